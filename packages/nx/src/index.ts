export { dockerBuildExecutor } from './executors/docker-build/docker-build.impl';
export { fastapiServiceGenerator } from './generators/fastapi-service/fastapi-service';
export { initGenerator } from './generators/init/init';
