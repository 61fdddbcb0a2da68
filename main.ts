export { default } from './src/plugin/tzimtzum-plugin';
