// Copies non-TypeScript assets under src/ (SLA tier tables, status page CSS/HTML…) into dist/
// beside the compiled code, since tsc only emits .js. Run by `npm run build` and `prepare`.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ASSET = /\.(json|css|html|svg|png|txt|md)$/;
let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (ASSET.test(name)) {
      const to = join('dist', relative('src', p));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(p, to);
      copied++;
    }
  }
}
walk('src');
if (process.argv.includes('--verbose')) console.log(`copied ${copied} asset file(s) into dist/`);
