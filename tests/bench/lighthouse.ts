// Lighthouse 12, mobile (its defaults: a mid-range phone on slow 4G, simulated
// throttling), against the built app on loopback. Used by `npm run bench`;
// `npx tsx tests/bench/lighthouse.ts` (after `vite build`) runs this part alone.
import { launch } from '../e2e/browser.ts';
import { median, startApp, table } from './harness.ts';

export interface LighthouseRun {
  score: number;
  lcp: number;
  fcp: number;
  tbt: number;
}

export async function measureLighthouse(runs: number): Promise<LighthouseRun[]> {
  const { default: lighthouse } = await import('lighthouse');
  const app = await startApp();
  const out: LighthouseRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const rb = await launch();
      try {
        const r = await lighthouse(app.origin, {
          port: rb.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance'],
        });
        const a = r!.lhr.audits;
        out.push({
          score: Math.round((r!.lhr.categories.performance!.score ?? 0) * 100),
          lcp: a['largest-contentful-paint']!.numericValue!,
          fcp: a['first-contentful-paint']!.numericValue!,
          tbt: a['total-blocking-time']!.numericValue!,
        });
      } finally {
        await rb.close();
      }
    }
  } finally {
    app.server.close();
  }
  return out;
}

export function lighthouseTable(runs: LighthouseRun[]): void {
  table(`Lighthouse 12, mobile (median of ${runs.length})`, [
    ['performance score', 'LCP ms', 'FCP ms', 'TBT ms'],
    [
      median(runs.map((r) => r.score)),
      Math.round(median(runs.map((r) => r.lcp))),
      Math.round(median(runs.map((r) => r.fcp))),
      Math.round(median(runs.map((r) => r.tbt))),
    ],
  ]);
}

if (process.argv[1]?.endsWith('lighthouse.ts'))
  lighthouseTable(await measureLighthouse(Number(process.env.BENCH_RUNS ?? 3)));
