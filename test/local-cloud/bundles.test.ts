/**
 * The generated CloudBase bundles (`npm run build`) load on their own and answer through `main`,
 * building their dependencies from the environment.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/stack';

const root = join(__dirname, '..', '..');

// Bundle the current sources (what `npm run build` does after install), so the test never checks
// stale bundles.
beforeAll(() => {
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { cwd: root, stdio: 'pipe' });
}, 60_000);

test.each(['devices', 'history', 'ingest', 'patients', 'auth'])('the %s bundle exports main and refuses an anonymous caller', (name) => {
  const dir = tempDir();
  const bundle = JSON.stringify(join(root, 'cloudfunctions', name, 'index.js'));
  const script = `require(${bundle}).main({ action: 'list' }, {}).then((r) => console.log(JSON.stringify(r)))`;
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, DATA_DIR: dir.path, STORE: 'sqlite' }, cwd: root });
  // `auth` lets anonymous callers in (to sign in) and refuses inside the handler instead.
  expect(JSON.parse(out.toString())).toMatchObject({ ok: false, code: name === 'auth' ? 'BAD_REQUEST' : 'UNAUTHENTICATED' });
  dir.remove();
});
