// The message texts every candidate decodes in the codec benchmark: realistic traffic from samples.ts.
import { SAMPLE_DEVICE_MESSAGES, SAMPLE_HELLO, SAMPLE_REQUESTS } from '../samples';

export interface Workload {
  name: string;
  /** Which decoder family applies. */
  kind: 'request' | 'device';
  texts: readonly string[];
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'requests (one of each op)',
    kind: 'request',
    texts: SAMPLE_REQUESTS.map((m) => JSON.stringify(m)),
  },
  {
    name: 'device stream (res + evt)',
    kind: 'device',
    texts: SAMPLE_DEVICE_MESSAGES.filter((m) => m.t === 'res' || m.t === 'evt').map((m) => JSON.stringify(m)),
  },
  { name: 'hello (caps + state)', kind: 'device', texts: [JSON.stringify(SAMPLE_HELLO)] },
  {
    name: 'invalid requests',
    kind: 'request',
    texts: [
      '{"id":7,"op":"led.set","led":"status","on":"yes"}',
      '{"id":8,"op":"pwm.set","ch":"fan","duty":1.5}',
      '{"id":9,"op":"zap"}',
      '{"op":"ping"}',
      '{"id":10,"op":"sensor.subscribe","sensor":"Light","hz":10}',
    ],
  },
];
