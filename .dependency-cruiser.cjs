// The layers, as rules: `npm test` runs them (npm run lint), and tests/unit/layers.test.ts proves each
// one fails when a scratch copy of src/ breaks it.
//   src/domain     the instruments, facts, pathway rules and the engine: pure, one door (index.ts)
//   src/contract   what travels between device, receiver and inbox: valibot only
//   src/shared-ui  what both pages show (the printed record, fields, the router): no storage, no sync
//   the app        src/ui, src/store, src/sync, src/crypto, src/security and the entries beside them
//   src/inbox      the reviewers' page        src/receiver, src/inbox-server, src/server, src/config: the service
const APP = '^src/(ui|store|sync|crypto|security)/';
const SERVICE = '^src/(receiver|inbox-server|server|config|errors)/';
const BROWSER_CODE = '^src/(domain|contract|shared-ui|ui|store|sync|crypto|security|inbox)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing outside itself but valibot: no UI, storage, sync, server code or Node.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', 'node_modules/valibot/'] },
    },
    {
      name: 'contract-is-pure',
      comment: 'The wire contract imports nothing but valibot.',
      severity: 'error',
      from: { path: '^src/contract/' },
      to: { pathNot: ['^src/contract/', 'node_modules/valibot/'] },
    },
    {
      name: 'domain-has-one-door',
      comment: 'Outside the domain, import it through src/domain/index.ts only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/domain/' },
      to: { path: '^src/domain/', pathNot: '^src/domain/index[.]ts$' },
    },
    {
      name: 'engine-is-below-its-data',
      comment: 'The engine is handed its tables through the registry; it never imports them.',
      severity: 'error',
      from: { path: '^src/domain/engine/' },
      to: { path: '^src/domain/(instruments|facts|pathways)/' },
    },
    {
      name: 'service-has-no-device-code',
      comment: "The receiver, the inbox server and the server import none of the device's UI, storage or sync.",
      severity: 'error',
      from: { path: SERVICE },
      to: { path: [APP, '^src/(shared-ui|inbox)/'] },
    },
    {
      name: 'inbox-page-keeps-nothing',
      comment: "The inbox page keeps nothing in the browser: none of the device's storage, sync or screens.",
      severity: 'error',
      from: { path: '^src/inbox/' },
      to: { path: [APP, 'node_modules/dexie/'] },
    },
    {
      name: 'shared-ui-has-no-storage',
      comment: 'What both pages show reads no storage and sends nothing.',
      severity: 'error',
      from: { path: '^src/shared-ui/' },
      to: { path: [APP, '^src/inbox/', SERVICE, 'node_modules/dexie/'] },
    },
    {
      name: 'receiver-stands-alone',
      comment: 'The receiver knows nothing of the inbox server; the inbox server builds on the receiver.',
      severity: 'error',
      from: { path: '^src/receiver/' },
      to: { path: '^src/inbox-server/' },
    },
    {
      name: 'browser-code-has-no-node',
      comment: 'Code that runs in the browser imports no Node built-in.',
      severity: 'error',
      from: { path: BROWSER_CODE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-unresolvable',
      comment: 'Every import resolves (a rule that cannot see an import cannot hold it).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    exclude: { path: '^src/.*[.]d[.]ts$' },
  },
};
