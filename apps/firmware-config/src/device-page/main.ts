// The page the device serves on port 80: the web UI's Live view, connected at once to the board it came from.
import { mountLive } from '../web/live';
import { deviceWsUrl } from './ws-url';

const root = document.getElementById('page-live');
if (!root) throw new Error('page section missing from device-page.html');
mountLive(root, { defaultUrl: deviceWsUrl(location), autoConnect: true });
document.body.dataset.ready = 'true';
