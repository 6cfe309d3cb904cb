/**
 * Every command of the README's "Try it" block, run by bash as a reader would type it, against
 * `npm start` started as a reader would (a separate process). Three things differ, because a test
 * must not take the machine's default ports or the repository's `data/` folder: the stack gets free
 * ports and a temporary data folder through the settings the README documents (`HTTP_PORT`,
 * `MQTT_PORT`, `MQTT_WS_PORT`, `DATA_DIR`), and the commands' `localhost:3000`, `data/` and
 * `bed-0001.json`/`demo-1.csv` are rewritten to match. A command added to the block runs here too; one that
 * fails, or that this test does not recognise, fails the test.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './helpers/stack';
import { until } from './helpers/until';

const ROOT = join(__dirname, '..');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The commands of the first `sh` block after "## Try it", without their comments. */
function tryItCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s{2,}#.*$/, '').trim())
    .filter(Boolean);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Stops a process started in its own group (bash → npm → node) and waits for it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

describe('README "Try it"', () => {
  const dir = tempDir('rpm-readme-');
  const dataDir = join(dir.path, 'data');
  let env: NodeJS.ProcessEnv;
  let http = 0;
  let stack: ChildProcess;
  let stackLog = '';

  const adminToken = () => readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  async function devices(): Promise<Array<{ id: string; readings: number }>> {
    const res = await fetch(`http://127.0.0.1:${http}/functions/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken()}` },
      body: '{"action":"list"}',
    });
    return ((await res.json()) as { data: Array<{ id: string; readings: number }> }).data;
  }
  const readingsOf = async (id: string) => (await devices()).find((d) => d.id === id)?.readings ?? 0;

  beforeAll(async () => {
    http = await freePort();
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      HTTP_PORT: String(http),
      MQTT_PORT: String(await freePort()),
      MQTT_WS_PORT: String(await freePort()),
      MQTT_TLS_PORT: 'off',
      DEMO_DEVICES: '1',
      DEMO_INTERVAL_S: '1',
    };
    stack = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    stack.stdout?.on('data', (b: Buffer) => (stackLog += b.toString()));
    stack.stderr?.on('data', (b: Buffer) => (stackLog += b.toString()));
    await until(
      async () => {
        await sleep(300);
        if (stack.exitCode !== null) throw new Error(`npm start exited: ${stackLog}`);
        return fetch(`http://127.0.0.1:${http}/health`).then(
          (r) => r.ok,
          () => false,
        );
      },
      'npm start to answer /health',
      90_000,
    );
    await until(async () => (await sleep(300), (await readingsOf('rpmDemo0001/demo-1')) > 0), 'a reading from the demo device', 60_000);
  }, 180_000);

  afterAll(async () => {
    if (stack) await stop(stack);
    dir.remove();
  });

  const rewrite = (cmd: string) =>
    cmd
      .replace(/localhost:3000/g, `localhost:${http}`)
      .replace(/\bdata\//g, `${dataDir}/`)
      .replace(/\bbed-0001\.json\b/g, join(dir.path, 'bed-0001.json'))
      .replace(/\bdemo-1\.csv\b/g, join(dir.path, 'demo-1.csv'));

  /** What each command must show, by its start; every command in the block needs an entry. */
  const checks: Array<[RegExp, (stdout: string) => void | Promise<void>]> = [
    [/^npm run cli -- device list/, (out) => expect(out).toMatch(/rpmDemo0001\/demo-1\s+online/)],
    [/^npm run cli -- history rpmDemo0001\/demo-1 --from -15m/, (out) => expect(out).toMatch(/\d+ (readings|buckets of \d+ s) (of|for) rpmDemo0001\/demo-1/)],
    [
      /^npm run (-s )?cli -- history rpmDemo0001\/demo-1 --from -1d --format csv > \S*demo-1\.csv/,
      () => {
        const csv = readFileSync(join(dir.path, 'demo-1.csv'), 'utf8').split('\r\n');
        expect(csv[0]).toBe('time_utc,time_local,temperature_cel,heart_rate_per_min,spo2_percent');
        expect(csv.length).toBeGreaterThan(2);
      },
    ],
    [
      /^npm run (-s )?cli -- device create --name bed-0001/,
      () =>
        expect(JSON.parse(readFileSync(join(dir.path, 'bed-0001.json'), 'utf8'))).toMatchObject({ deviceName: 'bed-0001', deviceSecret: expect.any(String) }),
    ],
    [/^curl -s localhost:\d+\/health/, (out) => expect(JSON.parse(out)).toMatchObject({ ok: true })],
    [
      /^curl -s -H "Authorization: Bearer/,
      (out) => expect(JSON.parse(out)).toMatchObject({ ok: true, data: expect.arrayContaining([expect.objectContaining({ id: 'rpmDemo0001/demo-1' })]) }),
    ],
  ];

  test('the block is what this test knows', () => {
    const commands = tryItCommands();
    expect(commands.length).toBeGreaterThanOrEqual(7);
    for (const c of commands) expect([...checks.map(([re]) => re), /^npm run emulator -- /].some((re) => re.test(rewrite(c)))).toBe(true);
  });

  test.each(tryItCommands().filter((c) => !c.startsWith('npm run emulator')))(
    '%s',
    async (command) => {
      const cmd = rewrite(command);
      const { stdout } = await run('bash', ['-c', cmd], { cwd: ROOT, env, timeout: 60_000 });
      const check = checks.find(([re]) => re.test(cmd));
      expect(check).toBeDefined();
      await check![1](stdout);
    },
    90_000,
  );

  test.each(tryItCommands().filter((c) => c.startsWith('npm run emulator')))(
    '%s  (runs until stopped; must report readings)',
    async (command) => {
      const before = new Map((await devices()).map((d) => [d.id, d.readings]));
      const child = spawn('bash', ['-c', rewrite(command)], { cwd: ROOT, env, detached: true, stdio: 'ignore' });
      try {
        // Its devices are the ones that gain readings without being the demo device.
        await until(
          async () => {
            await sleep(500);
            return (await devices()).some((d) => !d.id.startsWith('rpmDemo0001/') && d.readings > (before.get(d.id) ?? 0));
          },
          `readings from: ${command}`,
          90_000,
        );
      } finally {
        await stop(child);
      }
    },
    120_000,
  );
});
