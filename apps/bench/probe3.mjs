import { DEFAULT_SIM_CONFIG, WsServer } from '@esphil/sim';

console.log('a');
const s = new WsServer({
  handler: { accepting: () => true, hello() {}, frame() {}, sensorTick() {}, disconnected() {} },
  maxClients: 100,
});
console.log('b', Object.keys(s));
await s.listen?.();
console.log('c');
process.exit(0);
