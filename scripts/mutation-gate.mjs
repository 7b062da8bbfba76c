// Stryker's thresholds.break judges the score of all files together, so one module could
// fall well below 90 % while the others carry the total. This reads the JSON report that
// `npm run test:mutation` just wrote and fails when any mutated file scores below 90 %,
// naming it. Score as Stryker counts it: (killed + timeout) / (those + survived + no
// coverage); ignored mutants (the "Stryker disable" comments, each with its reason) and
// compile or runtime errors do not count.
import { readFileSync } from 'node:fs';

const REPORT = process.argv[2] ?? 'reports/mutation/mutation.json';
const MIN = 90;

const report = JSON.parse(readFileSync(REPORT, 'utf8'));
let failed = 0;
const rows = [];
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) =>
  a < b ? -1 : 1,
)) {
  const n = (status) => mutants.filter((m) => m.status === status).length;
  const detected = n('Killed') + n('Timeout');
  const valid = detected + n('Survived') + n('NoCoverage');
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const low = score < MIN;
  if (low) failed++;
  rows.push(`${low ? 'LOW ' : 'ok  '} ${score.toFixed(2).padStart(6)} %  ${file}`);
}
console.log(`mutation score per file (each must be >= ${MIN} %):\n${rows.join('\n')}`);
if (failed > 0) {
  console.error(
    `${failed} file(s) below ${MIN} %: strengthen their unit tests (README: Mutation testing)`,
  );
  process.exit(1);
}
