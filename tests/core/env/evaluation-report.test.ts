// The uniform run result built from test-split portfolio stats.
import { describe, expect, it } from 'vitest';
import { policyResult } from '../../../src/core/env/evaluation-report.ts';
import type { PortfolioStats } from '../../../src/shared/metrics.ts';

const stats = (policy: string, sharpe: number, totalReturnPct: number, maxDrawdownPct: number, trades: number): PortfolioStats => ({ policy, finalEquity: 10_000 * (1 + totalReturnPct / 100), totalReturnPct, sharpe, maxDrawdownPct, trades, winRatePct: 50 });

describe('policyResult', () => {
  it('takes the reported policy figures and both baselines, and the final weights only when given', () => {
    const chosen = stats('policy (sampled)', 12.5, 30, 8, 70);
    const hold = stats('buy-and-hold', -3.6, -10, 25, 1);
    const random = stats('random', -343, -99, 99, 5000);
    expect(policyResult('best validation Sharpe (update 300)', chosen, hold, random)).toEqual({
      policy: 'best validation Sharpe (update 300)',
      testSharpe: 12.5,
      testReturnPct: 30,
      testMaxDrawdownPct: 8,
      testTrades: 70,
      buyAndHoldTestSharpe: -3.6,
      randomTestSharpe: -343,
    });
    expect(policyResult('final weights', chosen, hold, random, 4.2).finalPolicyTestSharpe).toBe(4.2);
  });
});
