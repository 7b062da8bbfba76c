// The level scales live in src/core/levels.ts; policy code imports them from here too.
export {
  isLevel,
  LEVELS,
  type Level,
  levelAtLeast,
  STATE_SECRET_LEVELS,
  TRADE_SECRET_LEVELS,
} from '../levels.js';
