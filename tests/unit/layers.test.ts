// The layers hold: dependency-cruiser's rules (.dependency-cruiser.cjs) find nothing in src/, and each rule
// fails when a scratch copy of src/ is given an import that breaks it. One scratch copy carries one planted
// import per case, so each rule is shown to catch its own and the cruise runs once.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cruise } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as {
  forbidden: { name: string }[];
  options: Record<string, unknown>;
};

async function violations(baseDir: string): Promise<Violation[]> {
  const cwd = process.cwd();
  process.chdir(baseDir); // the tsconfig and the paths in the rules are read from the project root
  try {
    const result = await cruise(['src'], {
      ...config.options,
      ruleSet: { forbidden: config.forbidden },
      validate: true,
    } as never);
    return (result.output as { summary: { violations: Violation[] } }).summary.violations;
  } finally {
    process.chdir(cwd);
  }
}

/** [rule, file that gets the import, what it imports] */
const PLANTED: [string, string, string][] = [
  ['domain-is-pure', 'src/domain/engine/answers.ts', '../../store/db.ts'],
  ['domain-is-pure', 'src/domain/instruments/gm.ts', 'preact'],
  ['domain-is-pure', 'src/domain/pathways/apply.ts', 'node:fs'],
  ['contract-is-pure', 'src/contract/batch.ts', '../domain/index.ts'],
  ['domain-has-one-door', 'src/ui/home.tsx', '../domain/engine/score.ts'],
  ['engine-is-below-its-data', 'src/domain/engine/score.ts', '../pathways/rules.ts'],
  ['service-has-no-device-code', 'src/receiver/domain/accept.ts', '../../sync/sender.ts'],
  ['service-has-no-device-code', 'src/inbox-server/routes/referrals.ts', '../../store/db.ts'],
  ['inbox-page-keeps-nothing', 'src/inbox/list.tsx', '../store/db.ts'],
  ['inbox-page-keeps-nothing', 'src/inbox/audit.tsx', 'dexie'],
  ['shared-ui-has-no-storage', 'src/shared-ui/labels.ts', '../sync/outbox.ts'],
  ['receiver-stands-alone', 'src/receiver/admin.ts', '../inbox-server/admin-cli.ts'],
  ['browser-code-has-no-node', 'src/ui/settings.tsx', 'node:path'],
  ['no-unresolvable', 'src/ui/history.tsx', './no-such-screen.tsx'],
];

const root = resolve(import.meta.dirname, '../..');

describe('the layers in src/', () => {
  it('break none of the rules', async () => {
    expect((await violations(root)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 60_000);
});

describe('each rule fails when an import breaks it (a scratch copy of src/)', () => {
  let found: Violation[] = [];
  let scratch = '';

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'cse-layers-'));
    cpSync(join(root, 'src'), join(scratch, 'src'), { recursive: true });
    for (const f of ['tsconfig.json', 'package.json']) cpSync(join(root, f), join(scratch, f));
    symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
    for (const [, file, target] of PLANTED) {
      const path = join(scratch, file);
      writeFileSync(path, `${readFileSync(path, 'utf8')}\nimport '${target}';\n`);
    }
    found = await violations(scratch);
  }, 60_000);
  afterAll(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  it('every rule has a planted import', () => {
    expect(new Set(PLANTED.map(([rule]) => rule))).toEqual(new Set(config.forbidden.map((r) => r.name)));
  });

  it.each(PLANTED)('%s catches %s importing %s', (rule, file) => {
    expect(found.filter((v) => v.rule.name === rule && v.from === file)).toHaveLength(1);
  });
});
