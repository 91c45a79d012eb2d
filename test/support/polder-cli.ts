// The `polder` command from sources (bin/polder.js runs the build): `node --import tsx test/support/polder-cli.ts …`.
import { run } from '../../src/cli.js';

await run(process.argv);
