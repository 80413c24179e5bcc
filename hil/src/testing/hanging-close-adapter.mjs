// Runner self-test fixture (cli-abort.test.ts): the tutorial sketch's adapter (./tutorial-adapter.mjs) whose io
// close() never settles, so the cleanup after a first SIGINT hangs. It says so on stdout when close() is called:
// the test sends its second signal then, without guessing a delay.
import tutorial from './tutorial-adapter.mjs';

export const HANGING_LINE = 'hil abort fixture: io.close() called, hanging';

export default {
  ...tutorial,
  name: 'hanging-close',
  async connect(opts) {
    const io = await tutorial.connect(opts);
    return {
      ...io,
      close() {
        process.stdout.write(`${HANGING_LINE}\n`);
        return new Promise(() => {});
      },
    };
  },
};
