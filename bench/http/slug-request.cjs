// autocannon's setupRequest, loaded by path inside its worker thread (functions cannot
// cross to a worker). Each request asks for another slug, keeping the request's base path.
module.exports = function setupRequest(req, context) {
  context.base = context.base || req.path
  context.n = ((context.n || 0) + 7919) % 2000
  req.path = `${context.base}&where[slug][equals]=post-${context.n}`
  return req
}
