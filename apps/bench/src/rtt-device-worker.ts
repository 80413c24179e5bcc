/** Child process of the round-trip scenario's "device in its own process" part (see apart/device-process.ts). */
import { serveDevices } from './apart/device-process';

await serveDevices();
