/**
 * Exports a patient's history for a range through `history.export`, page after page, into one file
 * (core/export joins the pages), and hands it to the browser as a download.
 */
import type { ExportPage } from '../../core/api';
import { type ExportFormat, type FhirBundle, joinCsvPages, mergeBundles } from '../../core/export';
import { must, type Call } from './api';

export interface ExportFile {
  name: string;
  type: string;
  text: string;
  readings: number;
}

export async function exportHistory(
  call: Call,
  req: { patientId: string; from: number; to: number; format: ExportFormat; timeZone: string },
  now: () => number,
): Promise<ExportFile> {
  const pages: ExportPage[] = [];
  let from = req.from;
  for (;;) {
    const page = await must(call<ExportPage>('history', { action: 'export', ...req, from }));
    pages.push(page);
    if (page.next === undefined || page.next <= from) break;
    from = page.next;
  }
  const readings = pages.reduce((n, p) => n + p.readings, 0);
  const stamp = `${new Date(req.from).toISOString().slice(0, 10)}_${new Date(req.to).toISOString().slice(0, 10)}`;
  if (req.format === 'csv') {
    const text = joinCsvPages(pages.map((p) => (p.format === 'csv' ? p.csv : '')));
    return { name: `history-${req.patientId}-${stamp}.csv`, type: 'text/csv;charset=utf-8', text, readings };
  }
  const bundle = mergeBundles(
    pages.flatMap((p): FhirBundle[] => (p.format === 'fhir' ? [p.bundle] : [])),
    now(),
  );
  return { name: `history-${req.patientId}-${stamp}.fhir.json`, type: 'application/fhir+json', text: `${JSON.stringify(bundle, null, 2)}\n`, readings };
}

/** Offers `file` as a download (an object URL on a temporary link). */
export function download(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
