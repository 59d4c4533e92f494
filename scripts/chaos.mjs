// `npm run chaos` → node --import tsx scripts/chaos.mjs [options]: the fault-injection
// suite in chaos/ (see chaos/README.md). tsx is loaded by the npm script, so the
// TypeScript entry can be imported directly.
import { main } from '../chaos/main.ts';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
