import { describe, expect, it } from 'vitest';
import { unsupportedRuntime } from '../../src/plugin/platform-check';

describe('the start-up runtime check', () => {
  it('accepts Node-API 9 on a supported platform', () => {
    expect(unsupportedRuntime({ napi: '9', platform: 'darwin', arch: 'arm64' })).toBeNull();
  });

  it('asks for a newer Obsidian when Node-API is older than 9', () => {
    expect(unsupportedRuntime({ napi: '8', platform: 'linux', arch: 'x64' })).toMatch(/Update Obsidian/);
  });

  it('names the supported platforms on an unsupported one', () => {
    expect(unsupportedRuntime({ napi: '9', platform: 'linux', arch: 'arm64' })).toMatch(/linux-arm64.*linux-x64/);
  });
});
