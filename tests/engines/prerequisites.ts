// What npm test needs from Debian, checked before anything runs: the three browsers (and what drives
// WebKit), pdftotext, and PostgreSQL. Missing any, it says in one line what to install (the packages
// .ci/run installs) instead of failing deep inside a browser test. `tsx tests/engines/prerequisites.ts`
// exits 1 after that line (with --packages it prints only the names, for .ci/run); the engines suite's
// global setup throws the same line.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
/** Debian's Python, which has python3-gi (a pyenv or venv python3 first on PATH may not). */
export const GI_PYTHON = '/usr/bin/python3';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Debian packages an engine needs that are not installed. */
export function missingFor(engine: EngineName): string[] {
  if (engine === 'chromium') return existsSync(CHROMIUM) ? [] : ['chromium'];
  if (engine === 'firefox') return existsSync(FIREFOX) ? [] : ['firefox-esr'];
  const missing: string[] = [];
  if (!existsSync(WEBKIT_DRIVER)) missing.push('webkit2gtk-driver');
  if (!onPath('xvfb-run')) missing.push('xvfb');
  if (!onPath('xauth')) missing.push('xauth');
  const gi = existsSync(GI_PYTHON)
    ? spawnSync(
        GI_PYTHON,
        ['-c', "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1')"],
        {
          stdio: 'ignore',
        },
      ).status
    : 1;
  if (gi !== 0) missing.push('gir1.2-webkit2-4.1', 'python3-gi');
  return missing;
}

function hasPostgres(): boolean {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
}

/** Every Debian package npm test needs that is missing. */
export function missingPackages(): string[] {
  const missing = [...missingFor('chromium'), ...missingFor('firefox'), ...missingFor('webkit')];
  if (!onPath('pdftotext')) missing.push('poppler-utils');
  if (!hasPostgres()) missing.push('postgresql');
  return missing;
}

export function missingLine(missing: string[]): string {
  return `npm test needs Debian packages that are missing: apt-get install ${missing.join(' ')} (as root; .ci/run installs them)`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const missing = missingPackages();
  // --packages: just the names, for .ci/run to install.
  if (process.argv.includes('--packages')) console.log(missing.join(' '));
  else if (missing.length) {
    console.error(missingLine(missing));
    process.exit(1);
  }
}
