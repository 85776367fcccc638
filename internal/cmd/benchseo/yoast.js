// Runs the yoastseo npm package's analysis over the articles benchseo
// exported, as the Yoast SEO plugin's analysis worker does for each edit
// (AnalysisWebWorker.analyze):
// build the paper's tree, run the SEO assessor (focus keyphrase) and the
// content (readability) assessor, and compute the Flesch reading ease
// research. Usage: node yoast.js articles.json results.json
// (NODE_PATH must reach the yoastseo package).
"use strict";

const fs = require("fs");
const { Paper, SeoAssessor, ContentAssessor } = require("yoastseo");
const EnglishResearcher = require("yoastseo/build/languageProcessing/languages/en/Researcher").default;
const LanguageProcessor = require("yoastseo/build/parse/language/LanguageProcessor").default;
const { build } = require("yoastseo/build/parse/build");
const { version } = require("yoastseo/package.json");

const [input, output] = process.argv.slice(2);
const articles = JSON.parse(fs.readFileSync(input, "utf8"));

// One researcher and one assessor of each kind for all articles, as the
// worker keeps them.
const researcher = new EnglishResearcher();
const seo = new SeoAssessor(researcher);
const content = new ContentAssessor(researcher);

function analyze(a) {
	const paper = new Paper(a.html, {
		keyword: a.keyword,
		title: a.title,
		titleWidth: a.title_width,
		description: a.description,
		slug: a.slug,
		permalink: a.permalink,
		locale: a.locale,
	});
	researcher.setPaper(paper);
	paper.setTree(build(paper, new LanguageProcessor(researcher)));
	seo.assess(paper);
	content.assess(paper);
	const flesch = researcher.getResearch("getFleschReadingScore");
	const scores = {};
	for (const r of seo.getValidResults().concat(content.getValidResults())) {
		scores[r.getIdentifier()] = r.getScore();
	}
	return {
		scores,
		flesch: flesch.score,
		seo_score: seo.calculateOverallScore(),
		readability_score: content.calculateOverallScore(),
	};
}

// Warm up the JIT on the first articles, as a long-running worker is.
for (const a of articles.slice(0, 50)) {
	analyze(a);
}
const results = [];
const times = [];
for (const a of articles) {
	const start = process.hrtime.bigint();
	const r = analyze(a);
	times.push(Number(process.hrtime.bigint() - start) / 1e6);
	results.push(r);
}
fs.writeFileSync(output, JSON.stringify({ version, node: process.version, times_ms: times, results }));
