/** `pnpm bench`: every scenario, interleaved against its baselines, then the table and the two result files. */
import { runPush } from './scenarios/push';
import { runRtt } from './scenarios/rtt';

const only = process.argv.slice(2);
const want = (name: string): boolean => only.length === 0 || only.includes(name);

if (want('rtt')) {
  const r = await runRtt();
  console.log(JSON.stringify(r.rtt, null, 1), JSON.stringify(r.learn, null, 1));
}
if (want('push')) {
  const r = await runPush();
  console.log(JSON.stringify(r.byCount, null, 1));
}
process.exit(0);
