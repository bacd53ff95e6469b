// The CLI from source, as the e2e tests run it (the published bin runs the compiled dist/ instead).
import { main } from '../../../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
