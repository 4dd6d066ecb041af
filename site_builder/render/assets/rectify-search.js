// The search page: Pagefind's UI over the site's chunked index, which fetches only the
// index chunks a query needs. The index is split into shards (pagefind/sNN/, listed in
// pagefind/shards.json) so that a rebuild re-indexes only the shards whose pages
// changed; the UI searches the first and merges the others (mergeIndex), and the
// results are those of one index. `?q=` (the header box) starts a search.
(function () {
  var box = document.getElementById("rl-search");
  if (!box || typeof PagefindUI === "undefined") return;
  // pagefind/ is where the page loaded Pagefind's UI from.
  var script = document.querySelector('script[src*="pagefind/pagefind-ui.js"]');
  var base = new URL(".", script ? script.src : window.location.href).pathname;

  // Rank by the weighted count of the query's words on a page, without the statistics
  // of the whole index (how rare a word is, the average page length, so no length
  // normalisation either): each shard has its own, so with them the first hit would
  // depend on which shard a page fell into.
  // A unit's name (data-pagefind-meta="unit" on its ledger pages) outranks pages that
  // merely mention it often, so typing 坞城街道 leads to that unit's ledgers first.
  var ranking = { termFrequency: 0.0, pageLength: 0.0, metaWeights: { unit: 20 } };

  function start(bundles) {
    var ui = new PagefindUI({
      element: "#rl-search",
      bundlePath: bundles[0],
      ranking: ranking,
      mergeIndex: bundles.slice(1).map(function (path) {
        return { bundlePath: path, ranking: ranking };
      }),
      showSubResults: true,
      showImages: false,
      excerptLength: 40,
      translations: {
        placeholder: "搜索单位、问题、措施、案例",
        zero_results: "没有找到与“[SEARCH_TERM]”相关的内容",
      },
    });
    // Pagefind's input has only a title; give it a name screen readers announce.
    var label = function () {
      var input = box.querySelector("input");
      if (input) input.setAttribute("aria-label", "搜索本站：单位、问题、措施、案例");
      else window.requestAnimationFrame(label);
    };
    label();
    var term = new URLSearchParams(window.location.search).get("q");
    if (term) {
      ui.triggerSearch(term);
    }
    var header = document.getElementById("rl-header-q");
    if (header && term) header.value = term;
  }

  fetch(base + "shards.json")
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (list) {
      var bundles = list.shards.map(function (name) {
        return base + name;
      });
      start(bundles.length ? bundles : [base]);
    })
    .catch(function () {
      start([base]); // one index, in pagefind/ itself
    });
})();
