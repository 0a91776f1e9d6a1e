// The once-a-second system sample the host emits to the window: machine CPU and memory, CPU and
// RSS of each trainer process, and GPU utilisation and memory where the platform exposes them.
// Plain JSON (numbers, strings, nulls) so it crosses IPC and WebSocket unchanged; a value the
// platform cannot measure is null, never a guess.
import { z } from 'zod';

export const gpuSources = ['ioreg', 'nvidia-smi'] as const;
export type GpuSource = (typeof gpuSources)[number];

/** One GPU as its probe reported it. Fields the tool does not report are null. */
export const gpuDeviceSampleSchema = z.object({
  /** Position in the tool's listing (nvidia-smi `index`; ioreg listing order). */
  index: z.number().int().nonnegative(),
  /** Model name, e.g. `Apple M2 Pro` or `NVIDIA GeForce RTX 4090`; null when not reported. */
  name: z.string().nullable(),
  /** Busy share of the GPU over the tool's last window, 0..100 (ioreg `Device Utilization %`, nvidia-smi `utilization.gpu`). */
  utilizationPercent: z.number().min(0).max(100).nullable(),
  /** Apple only: share of time the renderer (fragment) stage was busy, 0..100 (`Renderer Utilization %`). */
  rendererUtilizationPercent: z.number().min(0).max(100).nullable(),
  /** Apple only: share of time the tiler (geometry) stage was busy, 0..100 (`Tiler Utilization %`). */
  tilerUtilizationPercent: z.number().min(0).max(100).nullable(),
  /** Bytes of memory in use by the GPU (ioreg `In use system memory`, nvidia-smi `memory.used`). */
  memoryUsedBytes: z.number().nonnegative().nullable(),
  /** Apple only: bytes of unified memory the GPU driver has allocated (`Alloc system memory`). */
  memoryAllocatedBytes: z.number().nonnegative().nullable(),
  /** Dedicated memory of the card (nvidia-smi `memory.total`); null on unified memory. */
  memoryTotalBytes: z.number().nonnegative().nullable(),
  /** Apple only: GPU cores (`gpu-core-count`). */
  coreCount: z.number().int().nonnegative().nullable(),
  /** NVIDIA only: core temperature in °C (`temperature.gpu`). */
  temperatureCelsius: z.number().nullable(),
  /** NVIDIA only: board power draw in watts (`power.draw`). */
  powerWatts: z.number().nonnegative().nullable(),
});
export type GpuDeviceSample = z.infer<typeof gpuDeviceSampleSchema>;

/** CPU and memory of one trainer process. */
export const trainerProcessSampleSchema = z.object({
  runId: z.string(),
  pid: z.number().int().positive(),
  /** CPU time over the last interval as a share of one core (200 = two cores busy); null on the first reading or when unreadable. */
  cpuPercent: z.number().nonnegative().nullable(),
  /** Resident set size in bytes; null when unreadable. */
  rssBytes: z.number().nonnegative().nullable(),
  /** Why a value is null other than the first reading, e.g. `process 123 has exited`. */
  unavailableReason: z.string().nullable(),
});
export type TrainerProcessSample = z.infer<typeof trainerProcessSampleSchema>;

export const systemSampleSchema = z.object({
  /** Epoch ms when the sample was taken. */
  timestamp: z.number(),
  /** Milliseconds since the previous sample (the window CPU shares cover); null for the first. */
  intervalMs: z.number().nonnegative().nullable(),
  /** Whole-machine CPU busy share over the interval, 0..100 of all cores; null for the first sample. */
  machineCpuPercent: z.number().min(0).max(100).nullable(),
  /** Logical CPUs. */
  machineCpuCount: z.number().int().nonnegative(),
  /** Bytes in use: total minus what the OS reports as free (see docs/system-monitor.md). */
  machineMemoryUsedBytes: z.number().nonnegative(),
  machineMemoryTotalBytes: z.number().nonnegative(),
  /** One entry per trainer process the run manager registered. */
  trainers: z.array(trainerProcessSampleSchema),
  /** The tool the GPU figures come from (or that failed); null when no tool applies to this machine. */
  gpuSource: z.enum(gpuSources).nullable(),
  /** The GPUs the tool reported; empty when unavailable. */
  gpus: z.array(gpuDeviceSampleSchema),
  /** Why there are no GPU figures (platform, missing tool, tool error or timeout); null when `gpus` is filled. */
  gpuUnavailableReason: z.string().nullable(),
});
export type SystemSample = z.infer<typeof systemSampleSchema>;
