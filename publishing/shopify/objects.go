package shopify

import (
	"context"
	"fmt"
	"strconv"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
)

// handleQuery is a search query matching one handle exactly.
func handleQuery(handle string) string { return "handle:" + strconv.Quote(handle) }

// publishProduct upserts the product with productSet: by id when the
// object is known, else by handle, so that a retry never makes a second
// product. Images and the default variant's price are set when the
// product is created only: productSet replaces list fields it is given,
// and the merchant may have added media and variants since.
func (a *Adapter) publishProduct(ctx context.Context, p *piece, rec *igny8.PublishingRecord) (publishing.Remote, error) {
	o, err := existing(rec, p.c, p.marker, "product",
		func(id string) (*remoteObject, error) {
			var d struct{ Product *remoteObject }
			return d.Product, a.Client.do(ctx, opProductByID, map[string]any{"id": id}, &d)
		},
		func() (*remoteObject, error) {
			var d struct{ ProductByIdentifier *remoteObject }
			return d.ProductByIdentifier, a.Client.do(ctx, opProductByHandle, map[string]any{"handle": p.c.Slug}, &d)
		})
	if err != nil {
		return publishing.Remote{}, err
	}
	input := map[string]any{
		"title":           firstNonEmpty(p.c.Title, p.page.Title),
		"handle":          p.c.Slug,
		"descriptionHtml": p.html,
		"seo":             p.seo(),
		"metafields":      p.metafields(false),
	}
	if len(p.page.Tags) > 0 {
		input["tags"] = p.page.Tags
	}
	identifier := map[string]any{"handle": p.c.Slug}
	if o != nil {
		identifier = map[string]any{"id": o.ID}
	} else {
		input["status"] = "ACTIVE"
		if p.page.Draft {
			input["status"] = "DRAFT"
		}
		if p.featured != nil {
			input["files"] = []map[string]any{{"id": p.featured.ID, "alt": p.featured.Alt}}
		}
		if pr := p.page.Product; pr != nil && pr.Price != "" {
			input["productOptions"] = []map[string]any{{"name": "Title", "values": []map[string]any{{"name": "Default Title"}}}}
			v := map[string]any{"optionValues": []map[string]any{{"optionName": "Title", "name": "Default Title"}}, "price": pr.Price}
			if pr.SKU != "" {
				v["sku"] = pr.SKU
			}
			input["variants"] = []map[string]any{v}
		}
	}
	var d struct {
		ProductSet struct {
			Product    *remoteObject
			UserErrors []userError
		}
	}
	if err := a.Client.do(ctx, opProductSet, map[string]any{"identifier": identifier, "input": input}, &d); err != nil {
		return publishing.Remote{}, err
	}
	if err := userErrorsError("product", d.ProductSet.UserErrors); err != nil {
		return publishing.Remote{}, err
	}
	return adopted(rec, o)(a.remote(ctx, d.ProductSet.Product, "product", "products/"))
}

// publishPage writes the page with pageCreate or pageUpdate.
func (a *Adapter) publishPage(ctx context.Context, p *piece, rec *igny8.PublishingRecord) (publishing.Remote, error) {
	o, err := existing(rec, p.c, p.marker, "page",
		func(id string) (*remoteObject, error) {
			var d struct{ Page *remoteObject }
			return d.Page, a.Client.do(ctx, opPageByID, map[string]any{"id": id}, &d)
		},
		func() (*remoteObject, error) {
			var d struct {
				Pages struct{ Nodes []*remoteObject }
			}
			if err := a.Client.do(ctx, opPageByHandle, map[string]any{"query": handleQuery(p.c.Slug)}, &d); err != nil {
				return nil, err
			}
			return byHandle(d.Pages.Nodes, p.c.Slug, ""), nil
		})
	if err != nil {
		return publishing.Remote{}, err
	}
	input := map[string]any{
		"title":       firstNonEmpty(p.c.Title, p.page.Title),
		"handle":      p.c.Slug,
		"body":        p.html,
		"isPublished": !p.page.Draft,
		"metafields":  p.metafields(true),
	}
	var d struct {
		PageCreate, PageUpdate struct {
			Page       *remoteObject
			UserErrors []userError
		}
	}
	if o == nil {
		err = a.Client.do(ctx, opPageCreate, map[string]any{"page": input}, &d)
	} else {
		err = a.Client.do(ctx, opPageUpdate, map[string]any{"id": o.ID, "page": input}, &d)
		d.PageCreate = d.PageUpdate
	}
	if err != nil {
		return publishing.Remote{}, err
	}
	if err := userErrorsError("page", d.PageCreate.UserErrors); err != nil {
		return publishing.Remote{}, err
	}
	return adopted(rec, o)(a.remote(ctx, d.PageCreate.Page, "page", "pages/"))
}

// publishCollection writes the collection with collectionCreate or
// collectionUpdate.
func (a *Adapter) publishCollection(ctx context.Context, p *piece, rec *igny8.PublishingRecord) (publishing.Remote, error) {
	o, err := existing(rec, p.c, p.marker, "collection",
		func(id string) (*remoteObject, error) {
			var d struct{ Collection *remoteObject }
			return d.Collection, a.Client.do(ctx, opCollectionByID, map[string]any{"id": id}, &d)
		},
		func() (*remoteObject, error) {
			var d struct{ CollectionByIdentifier *remoteObject }
			return d.CollectionByIdentifier, a.Client.do(ctx, opCollectionByHandle, map[string]any{"handle": p.c.Slug}, &d)
		})
	if err != nil {
		return publishing.Remote{}, err
	}
	input := map[string]any{
		"title":           firstNonEmpty(p.c.Title, p.page.Title),
		"handle":          p.c.Slug,
		"descriptionHtml": p.html,
		"seo":             p.seo(),
		"metafields":      p.metafields(false),
	}
	if p.featured != nil {
		input["image"] = map[string]any{"src": p.featured.URL, "altText": p.featured.Alt}
	}
	var d struct {
		CollectionCreate, CollectionUpdate struct {
			Collection *remoteObject
			UserErrors []userError
		}
	}
	if o == nil {
		err = a.Client.do(ctx, opCollectionCreate, map[string]any{"collection": input}, &d)
	} else {
		input["id"] = o.ID
		err = a.Client.do(ctx, opCollectionUpdate, map[string]any{"collection": input}, &d)
		d.CollectionCreate = d.CollectionUpdate
	}
	if err != nil {
		return publishing.Remote{}, err
	}
	if err := userErrorsError("collection", d.CollectionCreate.UserErrors); err != nil {
		return publishing.Remote{}, err
	}
	return adopted(rec, o)(a.remote(ctx, d.CollectionCreate.Collection, "collection", "collections/"))
}

// publishArticle writes the post as an article of the configured blog,
// found or created by handle.
func (a *Adapter) publishArticle(ctx context.Context, p *piece, rec *igny8.PublishingRecord) (publishing.Remote, error) {
	blog, err := a.blog(ctx)
	if err != nil {
		return publishing.Remote{}, err
	}
	o, err := existing(rec, p.c, p.marker, "blog article",
		func(id string) (*remoteObject, error) {
			var d struct{ Article *remoteObject }
			return d.Article, a.Client.do(ctx, opArticleByID, map[string]any{"id": id}, &d)
		},
		func() (*remoteObject, error) {
			var d struct {
				Articles struct{ Nodes []*remoteObject }
			}
			if err := a.Client.do(ctx, opArticleByHandle, map[string]any{"query": handleQuery(p.c.Slug)}, &d); err != nil {
				return nil, err
			}
			return byHandle(d.Articles.Nodes, p.c.Slug, blog.ID), nil
		})
	if err != nil {
		return publishing.Remote{}, err
	}
	author := firstNonEmpty(p.page.Author, a.Client.cfg.BlogTitle)
	input := map[string]any{
		"title":       firstNonEmpty(p.c.Title, p.page.Title),
		"handle":      p.c.Slug,
		"body":        p.html,
		"isPublished": !p.page.Draft,
		"author":      map[string]any{"name": author},
		"metafields":  p.metafields(true),
	}
	if p.c.Excerpt != "" {
		input["summary"] = p.c.Excerpt
	}
	if len(p.page.Tags) > 0 {
		input["tags"] = p.page.Tags
	}
	if p.featured != nil {
		input["image"] = map[string]any{"url": p.featured.URL, "altText": p.featured.Alt}
	}
	var d struct {
		ArticleCreate, ArticleUpdate struct {
			Article    *remoteObject
			UserErrors []userError
		}
	}
	if o == nil {
		input["blogId"] = blog.ID
		err = a.Client.do(ctx, opArticleCreate, map[string]any{"article": input}, &d)
	} else {
		err = a.Client.do(ctx, opArticleUpdate, map[string]any{"id": o.ID, "article": input}, &d)
		d.ArticleCreate = d.ArticleUpdate
	}
	if err != nil {
		return publishing.Remote{}, err
	}
	if err := userErrorsError("blog article", d.ArticleCreate.UserErrors); err != nil {
		return publishing.Remote{}, err
	}
	art := d.ArticleCreate.Article
	blogHandle := blog.Handle
	if art != nil && art.Blog != nil && art.Blog.Handle != "" {
		blogHandle = art.Blog.Handle
	}
	return adopted(rec, o)(a.remote(ctx, art, "blog article", "blogs/"+blogHandle+"/"))
}

// blog finds the configured blog by handle, creating it the first time.
// A blog is created once in a shop's life, so a lost answer that makes a
// second one ("news-1") is left to the merchant; the next publish finds
// the first.
func (a *Adapter) blog(ctx context.Context) (*remoteObject, error) {
	handle := a.Client.cfg.BlogHandle
	var d struct {
		Blogs struct{ Nodes []*remoteObject }
	}
	if err := a.Client.do(ctx, opBlogByHandle, map[string]any{"query": handleQuery(handle)}, &d); err != nil {
		return nil, err
	}
	if b := byHandle(d.Blogs.Nodes, handle, ""); b != nil {
		return b, nil
	}
	var c struct {
		BlogCreate struct {
			Blog       *remoteObject
			UserErrors []userError
		}
	}
	if err := a.Client.do(ctx, opBlogCreate, map[string]any{"blog": map[string]any{"title": a.Client.cfg.BlogTitle, "handle": handle}}, &c); err != nil {
		return nil, err
	}
	if err := userErrorsError("blog", c.BlogCreate.UserErrors); err != nil {
		return nil, err
	}
	if c.BlogCreate.Blog == nil {
		return nil, &Error{Code: igny8.EInternal, Message: "Shopify created no blog and said nothing about it."}
	}
	return c.BlogCreate.Blog, nil
}

// byHandle picks the object with exactly this handle (and in this blog,
// when blogID is not ""): Shopify's search matches more loosely.
func byHandle(nodes []*remoteObject, handle, blogID string) *remoteObject {
	for _, n := range nodes {
		if n != nil && n.Handle == handle && (blogID == "" || n.Blog != nil && n.Blog.ID == blogID) {
			return n
		}
	}
	return nil
}

// remote is the written object as the publisher records it: its id, its
// address on the shop, and the version Shopify holds now (Hash over the
// title and body it answered with, updatedAt), which a sync compares
// with what it reads later to tell a merchant's edit from IGNY8's write.
func (a *Adapter) remote(ctx context.Context, o *remoteObject, what, prefix string) (publishing.Remote, error) {
	if o == nil || o.ID == "" {
		return publishing.Remote{}, &Error{Code: igny8.EInternal, Message: fmt.Sprintf("Shopify wrote no %s and said nothing about it.", what)}
	}
	r := publishing.Remote{ID: o.ID, URL: o.OnlineStoreURL, Modified: o.UpdatedAt, Hash: o.hash()}
	if r.URL == "" {
		// Written: the URL is a nicety, so an error finding it is not one.
		r.URL, _ = a.shopURL(ctx, prefix+o.Handle)
	}
	return r, nil
}

// adopted marks the Remote of an object found by its handle and IGNY8's
// marker (the record had lost it) as adopted: updated, not made.
func adopted(rec *igny8.PublishingRecord, o *remoteObject) func(publishing.Remote, error) (publishing.Remote, error) {
	return func(r publishing.Remote, err error) (publishing.Remote, error) {
		r.Adopted = err == nil && rec.RemoteID == "" && o != nil
		return r, err
	}
}
