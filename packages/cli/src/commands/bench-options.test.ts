import { gaussianPresets, mineeMethods, mineePresets, mineeTasks } from '@mi/bench';
import { describe, expect, it } from 'vitest';
import { toGaussianOptions } from './bench-gaussian';
import { toMineeOptions, toOnehotOptions } from './bench-other';

const registries = {};

describe('command-line options to benchmark options', () => {
  it('lays what was given over the --quick preset, leaving the rest of the preset', () => {
    const options = toGaussianOptions(
      'cubic',
      { quick: true, bounds: ['infonce'], window: 500, critic: 'joint:hiddenUnits=8' },
      registries,
      [],
    );
    expect(options).toMatchObject({
      ...gaussianPresets.quick,
      task: 'cubic',
      bounds: ['infonce'],
      critic: 'joint:hiddenUnits=8',
      window: 500,
    });
    expect(toGaussianOptions('gaussian', {}, registries, [])).toEqual({
      task: 'gaussian',
      registries,
      peers: [],
    });
    expect(toOnehotOptions({ lr: 0.5, critic: 'separable' }, registries)).toEqual({
      registries,
      learningRate: 0.5,
      critic: 'separable',
    });
  });

  it("maps minee's --methods, --bounds, --critic and --task", () => {
    expect(toMineeOptions({}, registries).methods).toBeUndefined();
    expect(toMineeOptions({ methods: ['mine'] }, registries).methods).toEqual([mineeMethods.mine]);
    expect(toMineeOptions({ bounds: ['nwj'], critic: 'tiny' }, registries).methods).toEqual([
      { bound: 'nwj', critic: 'tiny' },
    ]);
    // --critic replaces MINE's joint critic; MI-NEE keeps its own.
    expect(toMineeOptions({ critic: 'tiny' }, registries).methods).toEqual([
      mineeMethods.minee,
      { bound: mineeMethods.mine.bound, critic: 'tiny', marginalPairs: 'resampled' },
    ]);
    expect(toMineeOptions({ task: 'hg' }, registries).tasks).toEqual([mineeTasks.hg]);
    expect(toMineeOptions({ task: 'mg', quick: true }, registries).tasks).toEqual(
      mineePresets.quick.tasks,
    );
    // Bad --task and --methods values stop at parsing (see cli.test.ts, 'every bad argument').
  });
});
