export { AdminServer, type AdminBackend, type OverrideOp } from './server.js';
