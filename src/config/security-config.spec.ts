import { AppConfig, ConfigError } from './app-config';

describe('AppConfig security settings', () => {
  it('trusts no proxy, allows no other origin and limits reads by default', () => {
    const config = AppConfig.fromEnv({});
    expect(config.trustProxy).toBe(false);
    expect(config.corsOrigins).toBeNull();
    expect(config.readRateLimit).toBe(600);
  });

  it.each([
    ['off', false],
    ['1', 1],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 192.168.1.7', '10.0.0.0/8,192.168.1.7'],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(AppConfig.fromEnv({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('reads CORS_ORIGINS as exact origins and READ_RATE_LIMIT=off', () => {
    const config = AppConfig.fromEnv({
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      READ_RATE_LIMIT: 'off',
    });
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.readRateLimit).toBeNull();
  });

  it('refuses "true" for TRUST_PROXY, which would trust any forged header, and bad origins', () => {
    const attempt = () =>
      AppConfig.fromEnv({
        TRUST_PROXY: 'true',
        CORS_ORIGINS: 'https://ok.example,*,example.com/x',
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/TRUST_PROXY="true" must be off, a hop count/);
    expect(attempt).toThrow(/CORS_ORIGINS must list origins .* not: \*, example.com\/x/);
  });
});
