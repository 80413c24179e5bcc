/**
 * A device with no logic: a raw `ws` server that sends protocol's SAMPLE_HELLO, then answers every led.set
 * with the response and the `led` event (one write, as the sim does), no validation. Run against
 * @esphil/client it isolates the client's own cost from the sim's (device logic, virtual pins and wiring);
 * run against a raw `ws` client it is the floor of any device that speaks this protocol: parse the request,
 * answer, broadcast.
 */
import { SAMPLE_HELLO } from '@esphil/protocol';
import { corked, listen, type RawWsServer } from './raw-ws';

export function startStubDevice(): Promise<RawWsServer> {
  const hello = JSON.stringify(SAMPLE_HELLO);
  return listen((_wss, ws) => {
    let seq = 0;
    ws.send(hello);
    ws.on('message', (data) => {
      const req = JSON.parse(data.toString()) as { id: number; op: string; led?: string; on?: boolean };
      if (req.op !== 'led.set') {
        ws.send(
          JSON.stringify({ t: 'res', id: req.id, ok: false, error: { code: 'bad_request', msg: 'stub' } }),
        );
        return;
      }
      corked(ws, () => {
        ws.send(JSON.stringify({ t: 'res', id: req.id, ok: true, result: { led: req.led, on: req.on } }));
        ws.send(JSON.stringify({ t: 'evt', ev: 'led', led: req.led, on: req.on, by: 'ws:0', seq: ++seq }));
      });
    });
  });
}
