package shopify

// operation is one GraphQL document the package sends. Every one of them
// is listed in operations, which the tests validate against the Admin
// API schema of APIVersion (testdata/admin_2026-07.json.gz); the client
// sends nothing else.
type operation struct {
	name  string // the operation's name in the document
	query string
	// retry says the operation may be sent again after an answer that
	// leaves unknown whether it ran (a network error, a 5xx): a query,
	// an update of a known object, or an upsert by handle. A create is
	// never re-sent that way; the next Publish looks the object up by
	// handle and IGNY8's marker before it creates anything.
	retry bool
}

// The marker IGNY8 sets on every object it writes: a metafield naming the
// content piece, so that a publish which lost its record finds and adopts
// the object it made instead of making a second one.
const (
	markerNamespace = "igny8"
	markerKey       = "content_id"
)

var (
	opShop = operation{name: "IGNY8Shop", retry: true, query: `query IGNY8Shop {
  shop { name myshopifyDomain primaryDomain { host url } }
  currentAppInstallation { accessScopes { handle } }
  publicApiVersions { handle supported }
}`}

	opProductByHandle = operation{name: "IGNY8ProductByHandle", retry: true, query: `query IGNY8ProductByHandle($handle: String!) {
  productByIdentifier(identifier: {handle: $handle}) {
    id handle onlineStoreUrl
    marker: metafield(namespace: "igny8", key: "content_id") { value }
  }
}`}
	opProductByID = operation{name: "IGNY8ProductByID", retry: true, query: `query IGNY8ProductByID($id: ID!) {
  product(id: $id) {
    id handle onlineStoreUrl
    marker: metafield(namespace: "igny8", key: "content_id") { value }
  }
}`}
	// productSet upserts by handle or writes the product of an id: sending
	// it twice never makes a second product.
	opProductSet = operation{name: "IGNY8ProductSet", retry: true, query: `mutation IGNY8ProductSet($identifier: ProductSetIdentifiers!, $input: ProductSetInput!) {
  productSet(identifier: $identifier, input: $input, synchronous: true) {
    product { id handle onlineStoreUrl title descriptionHtml updatedAt }
    userErrors { field message code }
  }
}`}

	opPageByHandle = operation{name: "IGNY8PageByHandle", retry: true, query: `query IGNY8PageByHandle($query: String!) {
  pages(first: 5, query: $query) {
    nodes {
      id handle
      marker: metafield(namespace: "igny8", key: "content_id") { value }
    }
  }
}`}
	opPageByID = operation{name: "IGNY8PageByID", retry: true, query: `query IGNY8PageByID($id: ID!) {
  page(id: $id) {
    id handle
    marker: metafield(namespace: "igny8", key: "content_id") { value }
  }
}`}
	opPageCreate = operation{name: "IGNY8PageCreate", query: `mutation IGNY8PageCreate($page: PageCreateInput!) {
  pageCreate(page: $page) {
    page { id handle title body updatedAt }
    userErrors { field message code }
  }
}`}
	opPageUpdate = operation{name: "IGNY8PageUpdate", retry: true, query: `mutation IGNY8PageUpdate($id: ID!, $page: PageUpdateInput!) {
  pageUpdate(id: $id, page: $page) {
    page { id handle title body updatedAt }
    userErrors { field message code }
  }
}`}

	opBlogByHandle = operation{name: "IGNY8BlogByHandle", retry: true, query: `query IGNY8BlogByHandle($query: String!) {
  blogs(first: 5, query: $query) { nodes { id handle } }
}`}
	opBlogCreate = operation{name: "IGNY8BlogCreate", query: `mutation IGNY8BlogCreate($blog: BlogCreateInput!) {
  blogCreate(blog: $blog) {
    blog { id handle }
    userErrors { field message code }
  }
}`}
	opArticleByHandle = operation{name: "IGNY8ArticleByHandle", retry: true, query: `query IGNY8ArticleByHandle($query: String!) {
  articles(first: 10, query: $query) {
    nodes {
      id handle blog { id handle }
      marker: metafield(namespace: "igny8", key: "content_id") { value }
    }
  }
}`}
	opArticleByID = operation{name: "IGNY8ArticleByID", retry: true, query: `query IGNY8ArticleByID($id: ID!) {
  article(id: $id) {
    id handle blog { id handle }
    marker: metafield(namespace: "igny8", key: "content_id") { value }
  }
}`}
	opArticleCreate = operation{name: "IGNY8ArticleCreate", query: `mutation IGNY8ArticleCreate($article: ArticleCreateInput!) {
  articleCreate(article: $article) {
    article { id handle blog { id handle } title body summary updatedAt }
    userErrors { field message code }
  }
}`}
	opArticleUpdate = operation{name: "IGNY8ArticleUpdate", retry: true, query: `mutation IGNY8ArticleUpdate($id: ID!, $article: ArticleUpdateInput!) {
  articleUpdate(id: $id, article: $article) {
    article { id handle blog { id handle } title body summary updatedAt }
    userErrors { field message code }
  }
}`}

	opCollectionByHandle = operation{name: "IGNY8CollectionByHandle", retry: true, query: `query IGNY8CollectionByHandle($handle: String!) {
  collectionByIdentifier(identifier: {handle: $handle}) {
    id handle
    marker: metafield(namespace: "igny8", key: "content_id") { value }
  }
}`}
	opCollectionByID = operation{name: "IGNY8CollectionByID", retry: true, query: `query IGNY8CollectionByID($id: ID!) {
  collection(id: $id) {
    id handle
    marker: metafield(namespace: "igny8", key: "content_id") { value }
  }
}`}
	opCollectionCreate = operation{name: "IGNY8CollectionCreate", query: `mutation IGNY8CollectionCreate($collection: CollectionCreateInput!) {
  collectionCreate(collection: $collection) {
    collection { id handle title descriptionHtml updatedAt }
    userErrors { field message }
  }
}`}
	opCollectionUpdate = operation{name: "IGNY8CollectionUpdate", retry: true, query: `mutation IGNY8CollectionUpdate($collection: CollectionUpdateInput!) {
  collectionUpdate(collection: $collection) {
    collection { id handle title descriptionHtml updatedAt }
    userErrors { field message }
  }
}`}

	opFilesByName = operation{name: "IGNY8FilesByName", retry: true, query: `query IGNY8FilesByName($query: String!) {
  files(first: 10, query: $query) {
    nodes {
      id fileStatus alt
      ... on MediaImage { image { url altText } }
    }
  }
}`}
	opStagedUploadsCreate = operation{name: "IGNY8StagedUploadsCreate", retry: true, query: `mutation IGNY8StagedUploadsCreate($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}`}
	opFileCreate = operation{name: "IGNY8FileCreate", query: `mutation IGNY8FileCreate($files: [FileCreateInput!]!) {
  fileCreate(files: $files) {
    files { id fileStatus alt }
    userErrors { field message code }
  }
}`}
	opFileByID = operation{name: "IGNY8FileByID", retry: true, query: `query IGNY8FileByID($id: ID!) {
  node(id: $id) {
    ... on File { id fileStatus alt fileErrors { code message details } }
    ... on MediaImage { image { url altText } }
  }
}`}

	opPagesUpdated = operation{name: "IGNY8PagesUpdated", retry: true, query: `query IGNY8PagesUpdated($query: String, $after: String) {
  pages(first: 50, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id handle title body updatedAt publishedAt isPublished
      marker: metafield(namespace: "igny8", key: "content_id") { value }
    }
    pageInfo { hasNextPage endCursor }
  }
}`}
	opArticlesUpdated = operation{name: "IGNY8ArticlesUpdated", retry: true, query: `query IGNY8ArticlesUpdated($query: String, $after: String) {
  articles(first: 50, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id handle title body summary updatedAt publishedAt isPublished blog { handle }
      marker: metafield(namespace: "igny8", key: "content_id") { value }
    }
    pageInfo { hasNextPage endCursor }
  }
}`}
	opProductsUpdated = operation{name: "IGNY8ProductsUpdated", retry: true, query: `query IGNY8ProductsUpdated($query: String, $after: String) {
  products(first: 50, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id handle title descriptionHtml updatedAt publishedAt status onlineStoreUrl
      marker: metafield(namespace: "igny8", key: "content_id") { value }
    }
    pageInfo { hasNextPage endCursor }
  }
}`}
)

// operations lists every operation the package sends.
var operations = []operation{
	opShop,
	opProductByHandle, opProductByID, opProductSet,
	opPageByHandle, opPageByID, opPageCreate, opPageUpdate,
	opBlogByHandle, opBlogCreate, opArticleByHandle, opArticleByID, opArticleCreate, opArticleUpdate,
	opCollectionByHandle, opCollectionByID, opCollectionCreate, opCollectionUpdate,
	opFilesByName, opStagedUploadsCreate, opFileCreate, opFileByID,
	opPagesUpdated, opArticlesUpdated, opProductsUpdated,
}
