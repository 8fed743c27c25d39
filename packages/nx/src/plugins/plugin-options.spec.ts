import {
  DEFAULT_PLUGIN_OPTIONS,
  normalizePluginOptions,
} from './plugin-options';

describe('normalizePluginOptions', () => {
  it('applies every default without options', () => {
    expect(normalizePluginOptions(undefined)).toEqual({
      testTargetName: 'test',
      lintTargetName: 'lint',
      formatTargetName: 'format',
      lockTargetName: 'lock',
      installTargetName: 'install',
      serveTargetName: 'serve',
      dockerBuildTargetName: 'docker-build',
      dockerLoadTargetName: 'docker-load',
    });
  });

  it('keeps given names and trims them', () => {
    expect(
      normalizePluginOptions({
        testTargetName: ' pytest ',
        dockerBuildTargetName: 'image',
      }),
    ).toEqual({
      ...DEFAULT_PLUGIN_OPTIONS,
      testTargetName: 'pytest',
      dockerBuildTargetName: 'image',
    });
  });

  it('rejects unknown and invalid options together', () => {
    expect(() =>
      normalizePluginOptions({ testTarget: 'pytest', lintTargetName: '' }),
    ).toThrow(
      new Error(
        [
          'The options of the "@mab/nx" plugin in nx.json are invalid. Correct or remove these options:',
          '✖ Unrecognized key: "testTarget"',
          '✖ Target names must not be empty',
          '  → at lintTargetName',
        ].join('\n'),
      ),
    );
  });

  it('rejects two targets with one name', () => {
    expect(() =>
      normalizePluginOptions({
        lintTargetName: 'check',
        testTargetName: 'check',
      }),
    ).toThrow(
      new Error(
        [
          'The options of the "@mab/nx" plugin in nx.json are invalid. Give each target its own name:',
          '✖ "check" is set for testTargetName and lintTargetName',
        ].join('\n'),
      ),
    );
  });
});
