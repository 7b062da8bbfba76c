export { isLevel, type Level, levelAtLeast } from '../levels.js';
export { compileAlertRules, formatDuration } from './compile.js';
export { type AlertEngine, type CompiledRule, createAlertEngine, SAMPLE_SIZE } from './engine.js';
export { globToRegExp, matchEventType } from './match.js';
export { alertMessages } from './messages.js';
export { type AlertSummary, alertSummary } from './summary.js';
