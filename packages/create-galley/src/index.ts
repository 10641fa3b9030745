export { createProject, projectFiles, ProjectError } from './create-project'
export type { CreateProjectOptions, CreatedProject } from './create-project'
