/**
 * `npm run emulator`: the device emulator's command line (device-emulator/cli.ts), given the
 * local tools' way of reaching the functions — over HTTP to a running stack, or in-process on its
 * data folder — to create the devices it runs. Kept here so the emulator depends on core only.
 */
import { runEmulatorCli } from '../device-emulator/cli';
import { createInvoker } from './cli/invoker';

runEmulatorCli(process.argv.slice(2), { openInvoker: (opts) => createInvoker(opts) }).catch((e: unknown) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
