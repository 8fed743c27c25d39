// The graph plugin: nx.json lists "@mab/nx" under plugins, and Nx reads these
// two exports from the package's main module.
export { createNodes } from './plugins/create-nodes';
export { createDependencies } from './plugins/create-dependencies';
