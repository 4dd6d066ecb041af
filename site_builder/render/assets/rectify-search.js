// The search page: Pagefind's UI over the site's chunked index (pagefind/), which
// fetches only the index chunks a query needs. `?q=` (the header box) starts a search.
(function () {
  var box = document.getElementById("rl-search");
  if (!box || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#rl-search",
    showSubResults: true,
    showImages: false,
    excerptLength: 40,
    // A unit's name (data-pagefind-meta="unit" on its ledger pages) outranks pages that
    // merely mention it often, so typing 坞城街道 leads to that unit's ledgers first.
    ranking: { termFrequency: 0, metaWeights: { unit: 20 } },
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
})();
