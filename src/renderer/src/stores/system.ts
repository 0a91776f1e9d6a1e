// The system store: the latest machine, GPU and trainer-process sample (1 Hz from the host) and
// short history buffers for the GPU and CPU charts, kept outside deep reactivity.
import { defineStore } from 'pinia';
import { markRaw, shallowRef } from 'vue';
import type { SystemSample } from '../../../shared/system.ts';
import { api } from '../api/index.ts';
import { RunFeed } from '../charts/series-buffer.ts';

export const useSystemStore = defineStore('system', () => {
  const latest = shallowRef<SystemSample | undefined>();
  /** Machine-wide series by name (`gpuPercent`, `gpuMemoryBytes`, `cpuPercent`), x in epoch seconds. */
  const machineFeed = markRaw(new RunFeed());
  /** Per-run process series (`cpuPercent`, `rssBytes`), x in epoch seconds. */
  const processFeeds = markRaw(new Map<string, RunFeed>());

  function processFeed(runId: string): RunFeed {
    let feed = processFeeds.get(runId);
    if (!feed) processFeeds.set(runId, (feed = markRaw(new RunFeed())));
    return feed;
  }

  function receive(sample: SystemSample): void {
    latest.value = sample;
    const x = sample.timestamp / 1000;
    const gpu = sample.gpus[0];
    if (gpu?.utilizationPercent != null) machineFeed.buffer('gpuPercent').push(x, gpu.utilizationPercent);
    if (gpu?.memoryUsedBytes != null) machineFeed.buffer('gpuMemoryBytes').push(x, gpu.memoryUsedBytes / 2 ** 20);
    if (sample.machineCpuPercent != null) machineFeed.buffer('cpuPercent').push(x, sample.machineCpuPercent);
    machineFeed.changed();
    for (const trainer of sample.trainers) {
      const feed = processFeed(trainer.runId);
      if (trainer.cpuPercent != null) feed.buffer('cpuPercent').push(x, trainer.cpuPercent);
      if (trainer.rssBytes != null) feed.buffer('rssMegabytes').push(x, trainer.rssBytes / 2 ** 20);
      feed.changed();
    }
  }

  function initialise(): void {
    api.on('systemSample', receive);
  }

  return { latest, machineFeed, processFeed, initialise };
});
