// The observation row and the actions: one home for the layout that the envs write, the RL network
// and the compute backends read as one block, and NEAT's trading evaluator splits between its
// networks. A row is macro(60), micro(60), position, cash fraction; an action is HOLD, BUY or SELL.

/** Macro features per row (their definitions: MACRO_FEATURES in src/core/features/macro.ts). */
export const MACRO_FEATURE_COUNT = 60;
/** Micro features per row (their definitions: MICRO_FEATURES in src/core/features/micro.ts). */
export const MICRO_FEATURE_COUNT = 60;
/** Position and cash fraction, after the macro and micro features. */
export const ACCOUNT_FEATURE_COUNT = 2;
export const POSITION_INDEX = MACRO_FEATURE_COUNT + MICRO_FEATURE_COUNT;
export const CASH_INDEX = POSITION_INDEX + 1;
/** Values per observation row. */
export const OBSERVATION_WIDTH = CASH_INDEX + 1;

/** Action codes. */
export const ACTIONS = { HOLD: 0, BUY: 1, SELL: 2 } as const;
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];
export const ACTION_NAMES = ['HOLD', 'BUY', 'SELL'] as const;
/** Actions a policy chooses among (its output width). */
export const ACTION_COUNT = 3;
