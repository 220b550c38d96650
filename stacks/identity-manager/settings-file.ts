/** File beside the bundle in the identity manager's deployment package that holds its baked settings. */
export const SETTINGS_FILE = 'identity-settings.json';
