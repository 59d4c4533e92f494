export { parseDuration, formatDuration } from './duration.js';
export { EventBus, type Disposable } from './bus.js';
export { createLogger, silentLogger, redact, type Logger, type LogLevel } from './logger.js';
export { systemClock, type Clock } from './clock.js';
