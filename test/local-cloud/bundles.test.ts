/**
 * The generated CloudBase bundles (`npm run build`) load on their own and answer through `main`,
 * building their dependencies from the environment.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/stack';

const root = join(__dirname, '..', '..');

test.each(['devices', 'history', 'ingest', 'patients'])('the %s bundle exports main and refuses an anonymous caller', (name) => {
  const dir = tempDir();
  const script = `require(${JSON.stringify(join(root, 'cloudfunctions', name, 'index.js'))}).main({ action: 'list' }, {}).then((r) => console.log(JSON.stringify(r)))`;
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, DATA_DIR: dir.path, STORE: 'sqlite' }, cwd: root });
  expect(JSON.parse(out.toString())).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  dir.remove();
});
