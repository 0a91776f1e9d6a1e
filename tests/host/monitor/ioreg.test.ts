// The ioreg parser on recorded-shape outputs of `ioreg -r -d 1 -w 0 -c IOAccelerator`: an
// M-series Mac, an Intel Mac with two GPUs, missing keys, cut and garbage output.
import { describe, expect, it } from 'vitest';
import { parseIoregAccelerator, parseIoregEntries, parseIoregValue, IoregData } from '../../../src/host/monitor/ioreg.ts';
import { gpuDeviceSampleSchema } from '../../../src/shared/system.ts';

/** An M2 Pro under load, in the shape ioreg prints (one entry, properties one per line, -w 0 so no wrapping). */
const appleM2Pro = `+-o AGXAcceleratorG14X  <class AGXAcceleratorG14X, id 0x10000044d, registered, matched, active, busy 0 (1290 ms), retain 97>
    {
      "IOClass" = "AGXAcceleratorG14X"
      "CFBundleIdentifier" = "com.apple.AGXG14X"
      "IOProviderClass" = "AppleARMIODevice"
      "vendor-id" = <6b100000>
      "IONameMatched" = "gpu,t6020"
      "AGCInfo" = {"fLastSubmissionPID"=1412,"fSubmissionsSinceLastCheck"=3,"fBusyCount"=1}
      "SchedulerState" = {"Stamps"=({"idx"=12,"sub"=5512704,"gpu"=5512448}),"BusyWorkQueues"=({"submit"=(9876543210),"finished"=2231,"id"=12,"aborted"=No,"state"="Busy"})}
      "PerformanceStatistics" = {"In use system memory (driver)"=0,"Alloc system memory"=6442450944,"Tiler Utilization %"=41,"recoveryCount"=0,"lastRecoveryTime"=0,"Renderer Utilization %"=38,"TiledSceneBytes"=1441792,"Device Utilization %"=63,"SplitSceneCount"=0,"Allocated PB Size"=169869312,"In use system memory"=2147483648}
      "IOPowerManagement" = {"CurrentPowerState"=1,"CapabilityFlags"=2,"MaxPowerState"=1,"DriverPowerState"=1}
      "model" = "Apple M2 Pro"
      "gpu-core-count" = 19
      "CommandSubmissionEnabled" = Yes
      "IONameMatch" = ("gpu,t6000","gpu,t6001","gpu,t6020","gpu,t6021")
      "GPUConfigurationVariable" = {"num_gps"=8,"gpu_gen"=14,"num_cores"=19,"num_mgpus"=2,"gpu_var"="S","core_mask_list"=(1023,511),"num_frags"=19}
      "IOGeneralInterest" = "IOCommand is not serializable"
      "AGXParameterBufferMaxSize" = 1073741824
      "SurfaceList" = ()
    }
`;

/** An Intel MacBook Pro: integrated GPU without Device Utilization, discrete AMD with it. */
const intelMacTwoGpus = `+-o IntelAccelerator  <class IntelAccelerator, id 0x100000540, registered, matched, active, busy 0 (3 ms), retain 21>
    {
      "IOClass" = "IntelAccelerator"
      "PerformanceStatistics" = {"Tiler Utilization %"=0,"Renderer Utilization %"=4,"inUseVidMemoryBytes"=0}
      "model" = <"Intel UHD Graphics 630">
    }
+-o AMDRadeonX6000_AMDNavi14GraphicsAccelerator  <class AMDRadeonX6000_AMDNavi14GraphicsAccelerator, id 0x100000613, registered, matched, active, busy 0 (27 ms), retain 32>
    {
      "IOClass" = "AMDRadeonX6000_AMDNavi14GraphicsAccelerator"
      "PerformanceStatistics" = {"Device Utilization %"=22,"In use system memory"=268435456,"Alloc system memory"=536870912}
      "model" = <"AMD Radeon Pro 5500M">
    }
`;

describe('parseIoregAccelerator', () => {
  it('reads every documented field of an M-series GPU by key', () => {
    const reading = parseIoregAccelerator(appleM2Pro);
    expect(reading.available).toBe(true);
    if (!reading.available) return;
    expect(reading.source).toBe('ioreg');
    expect(reading.devices).toHaveLength(1);
    const [gpu] = reading.devices;
    expect(gpuDeviceSampleSchema.parse(gpu)).toEqual(gpu);
    expect(gpu).toEqual({
      index: 0,
      name: 'Apple M2 Pro',
      // 63 is Device Utilization; Tiler (41) and Renderer (38) sit in the same dictionary.
      utilizationPercent: 63,
      rendererUtilizationPercent: 38,
      tilerUtilizationPercent: 41,
      memoryUsedBytes: 2147483648,
      memoryAllocatedBytes: 6442450944,
      memoryTotalBytes: null,
      coreCount: 19,
      temperatureCelsius: null,
      powerWatts: null,
    });
  });

  it('does not read `In use system memory (driver)` as `In use system memory`', () => {
    const text = appleM2Pro.replace(',"In use system memory"=2147483648', '');
    const reading = parseIoregAccelerator(text);
    expect(reading.available && reading.devices[0].memoryUsedBytes).toBeNull();
  });

  it('keeps each name with its own entry on a two-GPU Mac and leaves missing keys null', () => {
    const reading = parseIoregAccelerator(intelMacTwoGpus);
    if (!reading.available) throw new Error(reading.reason);
    expect(reading.devices.map((gpu) => [gpu.index, gpu.name, gpu.utilizationPercent])).toEqual([
      [0, 'Intel UHD Graphics 630', null],
      [1, 'AMD Radeon Pro 5500M', 22],
    ]);
    expect(reading.devices[0].rendererUtilizationPercent).toBe(4);
    expect(reading.devices[0].memoryUsedBytes).toBeNull();
    expect(reading.devices[1].memoryAllocatedBytes).toBe(536870912);
    expect(reading.devices[1].coreCount).toBeNull();
  });

  it('reads only inside PerformanceStatistics', () => {
    const text = `+-o X  <class X, id 0x1, registered>
    {
      "OtherStatistics" = {"Device Utilization %"=99}
      "PerformanceStatistics" = {"Device Utilization %"=8}
    }`;
    const reading = parseIoregAccelerator(text);
    expect(reading.available && reading.devices[0].utilizationPercent).toBe(8);
  });

  it('rejects out-of-range and non-numeric values instead of passing them on', () => {
    const text = `+-o X  <class X, id 0x1, registered>
    {
      "PerformanceStatistics" = {"Device Utilization %"=250,"Renderer Utilization %"="n/a","Tiler Utilization %"=-3,"In use system memory"=-1,"Alloc system memory"="lots"}
      "gpu-core-count" = 7.5
    }`;
    const reading = parseIoregAccelerator(text);
    if (!reading.available) throw new Error(reading.reason);
    const [gpu] = reading.devices;
    expect([gpu.utilizationPercent, gpu.rendererUtilizationPercent, gpu.tilerUtilizationPercent, gpu.memoryUsedBytes, gpu.memoryAllocatedBytes, gpu.coreCount]).toEqual([null, null, null, null, null, null]);
  });

  it('accepts spaces around = and tree-drawing prefixes', () => {
    const text = `+-o Root  <class IORegistryEntry, id 0x100000100, retain 30>
  | +-o AGXAcceleratorG13G  <class AGXAcceleratorG13G, id 0x100000300, registered>
  |   {
  |     "PerformanceStatistics" = {"Device Utilization %" = 5 , "In use system memory" = 1024}
  |     "model" = "Apple M1"
  |   }`;
    const reading = parseIoregAccelerator(text);
    if (!reading.available) throw new Error(reading.reason);
    expect(reading.devices).toHaveLength(1);
    expect(reading.devices[0]).toMatchObject({ name: 'Apple M1', utilizationPercent: 5, memoryUsedBytes: 1024 });
  });

  it('reports an empty listing as unavailable', () => {
    const reading = parseIoregAccelerator('\n');
    expect(reading).toEqual({ available: false, source: 'ioreg', reason: expect.stringContaining('no IOAccelerator') });
  });

  it('reports entries without PerformanceStatistics as unavailable, naming how many there were', () => {
    const reading = parseIoregAccelerator(`+-o Helper  <class IOAccelerator, id 0x2, registered>
    {
      "IOClass" = "IOAccelerator"
    }`);
    expect(reading.available).toBe(false);
    if (!reading.available) expect(reading.reason).toMatch(/1 IOAccelerator entry but none has PerformanceStatistics/);
  });

  it('reports a cut-off dictionary as unavailable rather than half-reading it', () => {
    const cut = appleM2Pro.replace(/("Device Utilization %"=63).*$/m, '$1');
    const reading = parseIoregAccelerator(cut);
    expect(reading.available).toBe(false);
  });

  it('reports garbage as unavailable and quotes it', () => {
    const reading = parseIoregAccelerator('ioreg: command not found\n\u0000\u0001 random bytes ===\n');
    expect(reading.available).toBe(false);
    if (!reading.available) expect(reading.reason).toMatch(/^ioreg output not understood: "ioreg: command not found/);
  });
});

describe('parseIoregValue', () => {
  it('reads the value syntax ioreg prints', () => {
    expect(parseIoregValue('"text with } and ,"')).toBe('text with } and ,');
    expect(parseIoregValue('42')).toBe(42);
    expect(parseIoregValue('Yes')).toBe(true);
    expect(parseIoregValue('No')).toBe(false);
    expect(parseIoregValue('<6b100000>')).toEqual(new IoregData('6b100000'));
    expect(parseIoregValue('<"Apple M1">')).toEqual(new IoregData('Apple M1'));
    expect(parseIoregValue('("a",1,())')).toEqual(['a', 1, []]);
    expect(parseIoregValue('{"a"={"b"=(1,2)},"c"=""}')).toEqual({ a: { b: [1, 2] }, c: '' });
  });

  it('returns undefined for malformed values', () => {
    for (const text of ['{"a"=1', '("a",', '"open', 'not a value', '{a=1}', '1 2', '<6b10']) expect(parseIoregValue(text)).toBeUndefined();
  });

  it('keeps the class name of each entry', () => {
    expect(parseIoregEntries(intelMacTwoGpus).map((entry) => entry.className)).toEqual(['IntelAccelerator', 'AMDRadeonX6000_AMDNavi14GraphicsAccelerator']);
  });
});
