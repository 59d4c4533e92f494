export { AdminServer, type AdminBackend, type AdminRequest, type AdminRoute, type OverrideOp } from './server.js';
