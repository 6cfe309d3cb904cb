/**
 * The layers, checked by `npm run lint:deps` (part of `npm test`):
 *   core ← backend ← cloudfunctions ← local-cloud;  device-emulator, miniprogram and web-console use core only.
 * Tools (bench, scripts, preview, test) may use any layer; no layer uses them.
 */
const TOOLS = '^(bench|scripts|preview|test)/';
const layer = (name, from, forbidden, comment) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: forbidden } });

module.exports = {
  forbidden: [
    layer(
      'core-is-pure',
      '^core/',
      `^(backend|cloudfunctions|local-cloud|device-emulator|miniprogram|miniprogram-lib|web-console)/|${TOOLS}`,
      'core is the shared domain library: it depends on nothing of the project',
    ),
    layer(
      'backend-below-functions',
      '^backend/',
      `^(cloudfunctions|local-cloud|device-emulator|miniprogram|miniprogram-lib|web-console)/|${TOOLS}`,
      "backend is the functions' library: it knows no function and no host",
    ),
    layer(
      'functions-below-hosts',
      '^cloudfunctions/',
      `^(local-cloud|device-emulator|miniprogram|miniprogram-lib|web-console)/|${TOOLS}`,
      'a cloud function runs on CloudBase as it is: it may not need the local host',
    ),
    layer(
      'emulator-uses-core',
      '^device-emulator/',
      `^(backend|cloudfunctions|local-cloud|miniprogram|miniprogram-lib|web-console)/|${TOOLS}`,
      'the emulator stands for firmware: it speaks the protocol (core), nothing of the backend',
    ),
    layer(
      'miniprogram-uses-core',
      '^(miniprogram|miniprogram-lib)/',
      `^(backend|cloudfunctions|local-cloud|device-emulator)/|${TOOLS}`,
      'the mini program reaches the backend only through its functions',
    ),
    layer(
      'web-console-uses-core',
      '^web-console/',
      `^(backend|cloudfunctions|local-cloud|device-emulator|miniprogram|miniprogram-lib)/|${TOOLS}`,
      'the web console runs in a browser and reaches the backend only through its functions over HTTP',
    ),
    layer('hosts-above-tools', '^local-cloud/', TOOLS, 'the local stack ships; tools do not'),
    {
      name: 'declared-packages',
      comment: "every package the code imports is declared in package.json (not merely installed as another package's dependency)",
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves (a missing file or an undeclared package is caught here, not at run time)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(miniprogram/lib/|web-console/dist/|cloudfunctions/[^/]+/index\\.js$|node_modules/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
      conditionNames: ['require', 'node', 'default', 'import'],
      exportsFields: ['exports'],
    },
  },
};
