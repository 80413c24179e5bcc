/**
 * A plain Node ESM app (no TypeScript, no bundler) that uses the installed tarballs against a running
 * `esphil-sim`: the smallest thing an outside team would write first. Prints one JSON line.
 */
export const NODE_APP_SOURCE = `
import { connect, isDeviceClientError } from '@esphil/client';
import { starterConfig, validateConfig } from '@esphil/device-model';
import { PROTOCOL_VERSION } from '@esphil/protocol';

const dev = await connect(process.argv[2], { heartbeat: false, reconnect: false });
const led = await dev.ledSet('status', true);
const info = await dev.info();
const refused = await dev.ledSet('no-such-led', true).catch((e) => (isDeviceClientError(e) ? e.code : 'other'));
const { diagnostics } = validateConfig(starterConfig('esp32-doit-devkit-v1'));
console.log(JSON.stringify({
  proto: dev.hello.proto === PROTOCOL_VERSION,
  on: led.on,
  mirror: dev.state.leds.status,
  board: info.board,
  refused,
  errors: diagnostics.filter((d) => d.severity === 'error').length,
}));
await dev.close();
`;
