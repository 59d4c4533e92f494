export { DemoCloud, startDemoControl, type CloudMode, type DemoCloudSpec } from './clouds.js';
