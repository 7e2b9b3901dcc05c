/* The offline pages (issue 16), drawn from what this phone keeps (offline_db.js): the work list,
 * a household, every survey step with the form's own checks, the review with what is still
 * missing, what waits to be sent, and a conflict shown side by side.
 *
 * The rules (fields, labels, choices, ranges, what is needed to submit, consent before health
 * data) come from the server, generated from the survey's step forms
 * (households/offline/rules.py); the server checks the same forms again when a change arrives.
 *
 * Routes: #/ · #/h/<household> · #/s/<household>/<step> · #/outbox · #/conflict/<seq>
 */
(function () {
  "use strict";
  var store = self.PPAOSOffline;
  var words = store.strings();
  var main = document.getElementById("content");
  var bundle = null;

  // ---- small DOM helpers -----------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function clear() { main.textContent = ""; }
  function add(node) { if (node) main.appendChild(node); }
  /* A whole translated sentence with its %(name)s places filled (no sentences from fragments). */
  function fill(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (all, name) {
      return values[name] !== undefined ? values[name] : all;
    });
  }

  function kb(bytes) { return Math.max(1, Math.round((bytes || 0) / 1024)) + " KB"; }
  function showDate(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return d.toLocaleString("th-TH", { dateStyle: "medium", timeStyle: "short" });
  }

  // ---- the survey's values: saved on the server, then each save waiting on this phone ------
  function household(id) { return store.findHousehold(bundle, id); }

  function stepRules(h, step) {
    if (step === "members") {
      var fields = [];
      h.members.members.forEach(function (m) { fields = fields.concat(m.fields); });
      return { key: "members", title: h.members.title, fields: fields, members: h.members.members };
    }
    return bundle.rules.steps[step];
  }

  function valuesOf(h, entries) {
    var values = {};
    bundle.rules.order.forEach(function (step) {
      var saved = h.survey && h.survey.values && h.survey.values[step];
      values[step] = Object.assign({}, saved || defaults(h, step));
    });
    entries.forEach(function (e) {
      if (e.household === h.id && values[e.step]) Object.assign(values[e.step], e.fields);
    });
    return values;
  }

  /* Today on the phone in Thai time (not the bundle's download day), capped at the round's end. */
  function latestDate() {
    var today = new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Bangkok", year: "numeric", month: "2-digit", day: "2-digit"
    }).format(new Date());
    var end = bundle.rules.dates.round_end || bundle.rules.dates.max;
    return today < end ? today : end;
  }

  function defaults(h, step) {
    var out = {};
    if (step === "consent") {
      out.lawful_basis = "public_task";
      out.surveyed_on = latestDate();
    }
    return out;
  }

  function submitQueued(h, entries) {
    return entries.some(function (e) { return e.household === h.id && e.step === "submit"; });
  }

  function editable(h, entries) {
    if (submitQueued(h, entries)) return false;
    return !h.survey || h.survey.editable;
  }

  function pendingFor(h, entries) {
    return entries.filter(function (e) { return e.household === h.id; });
  }

  // ---- checks the form states --------------------------------------------------------------
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  function arabic(text) {
    return String(text).replace(/[๐-๙]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); });
  }

  function parseAmount(raw, rule) {
    var text = arabic(raw).replace(/,/g, "").replace("บาท", "").trim();
    if (text === "") return { value: null };
    if (!/^\d+(\.\d+)?$/.test(text)) {
      return { error: /^-/.test(text) ? words.amount_negative : words.amount_invalid };
    }
    var parts = text.split(".");
    if ((parts[1] || "").length > rule.decimal_places) return { error: words.amount_invalid };
    if (parts[0].replace(/^0+/, "").length > rule.max_digits - rule.decimal_places) {
      return { error: words.amount_too_big };
    }
    return { value: String(Number(text)) };
  }

  function parseDate(raw) {
    var text = arabic(raw).trim();
    if (text === "") return { value: null };
    var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    var dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    var y, m, d;
    if (iso) { y = +iso[1]; m = +iso[2]; d = +iso[3]; }
    else if (dmy) { d = +dmy[1]; m = +dmy[2]; y = +dmy[3]; }
    else return { error: words.date_invalid };
    if (y >= 2400) y -= 543;
    var date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return { error: words.date_invalid };
    var value = date.toISOString().slice(0, 10);
    if (value > latestDate()) return { error: words.date_future };
    if (value < bundle.rules.dates.min) return { error: words.date_round };
    return { value: value };
  }

  function showDateBE(iso) {
    if (!iso) return "";
    var p = iso.split("-");
    return p[2] + "/" + p[1] + "/" + (Number(p[0]) + 543);
  }

  /* Read the form; returns {values, errors}. Same rules as the step form on the server. */
  function readForm(form, rules, values) {
    var out = {};
    var errors = {};
    rules.fields.forEach(function (rule) {
      var name = rule.name;
      if (rule.kind === "bool") {
        var box = form.querySelector("input[name='" + name + "']");
        out[name] = box ? box.checked : !!values[name];
      } else if (rule.kind === "radio") {
        var picked = form.querySelector("input[name='" + name + "']:checked");
        var value = picked ? picked.value : null;
        if (value !== null && typeof rule.choices[0][0] === "number") value = Number(value);
        out[name] = value;
      } else if (rule.kind === "multi") {
        out[name] = Array.prototype.map.call(
          form.querySelectorAll("input[name='" + name + "']:checked"),
          function (box) { return box.value; }).sort();
      } else {
        var input = form.querySelector("[name='" + name + "']");
        var raw = input ? input.value : "";
        var parsed = { value: raw.trim() === "" ? null : raw.trim() };
        if (rule.kind === "amount") parsed = parseAmount(raw, rule);
        if (rule.kind === "date") parsed = parseDate(raw);
        if (!parsed.error && rule.max_length && parsed.value && parsed.value.length > rule.max_length) {
          parsed = { error: words.too_long };
        }
        if (parsed.error) errors[name] = parsed.error;
        out[name] = parsed.error ? raw : parsed.value;
      }
    });
    return { values: out, errors: errors };
  }

  function consentChecks(step, read, consentValues, rules) {
    if (step === "consent" && read.values.sensitive_consent &&
        !(read.values.consent_given_by || "").trim()) {
      read.errors.consent_given_by = words.consent_by_needed;
    }
    if (step === "members" && !consentValues.sensitive_consent) {
      /* Which answers are health data is the server's rule (rule.sensitive in the bundle). */
      (rules.fields || []).forEach(function (rule) {
        if (rule.sensitive && read.values[rule.name]) read.errors[rule.name] = words.consent_first;
      });
    }
  }

  function visible(rule, values) {
    return !rule.show_if || !!values[rule.show_if];
  }

  /* What still stops the survey from being submitted (the rule of survey_problems). */
  function problems(h, values) {
    var out = [];
    var consent = values.consent;
    if (!consent.notice_given || !consent.lawful_basis) out.push(["consent", 1]);
    if (consent.sensitive_consent && !(consent.consent_given_by || "").trim()) {
      out.push(["consent", 1]);
    }
    ["members", "basic_needs", "capitals", "accounts"].forEach(function (step) {
      var rules = stepRules(h, step);
      var missing = rules.fields.filter(function (rule) {
        if (!rule.required || !visible(rule, values[step])) return false;
        var v = values[step][rule.name];
        return v === null || v === undefined || v === "";
      }).length;
      if (missing) out.push([step, missing]);
    });
    var merged = {};
    out.forEach(function (p) { merged[p[0]] = (merged[p[0]] || 0) + p[1]; });
    return Object.keys(merged).map(function (step) { return { step: step, count: merged[step] }; });
  }

  // ---- saving: every save is a change waiting on this phone --------------------------------
  function queue(h, step, fields, extra) {
    var entry = Object.assign({
      change_id: store.uuid(),
      user: bundle.user,
      household: h.id,
      survey: h.survey ? h.survey.id : null,
      step: step,
      fields: fields,
      base_version: h.survey ? h.survey.version : 0,
      created_at: new Date().toISOString(),
      state: "waiting"
    }, extra || {});
    return store.outboxPut(entry).then(function () {
      flash("");
      trySending();
    });
  }

  var flashMessage = "";
  function flash(text) { flashMessage = text; }

  function trySending() {
    if (!navigator.onLine) return;
    var sentSomething = false;
    store.waitingCount().then(function (n) { sentSomething = n > 0; });
    store.sync().then(function (fresh) {
      bundle = fresh;
      return store.waitingCount();
    }).then(function (waiting) {
      if (!waiting && sentSomething) flash(words.sent);
      render();
    }, function () { render(); });
  }

  // ---- pages --------------------------------------------------------------------------------
  function messageBox() {
    var box = null;
    if (flashMessage) {
      var cls = flashMessage === words.sent ? "" : "warning";
      box = el("ul", { className: "messages" }, [
        el("li", { className: cls, "data-testid": "offline-message", text: flashMessage })
      ]);
    }
    return box;
  }

  function waitingBanner(entries) {
    if (!entries.length) return null;
    return el("p", { className: "card offline-waiting", "data-testid": "offline-waiting-banner" }, [
      el("strong", { text: words.saved_on_phone }), el("br"),
      words.waiting + " ", el("span", { "data-testid": "offline-waiting-count",
        text: String(entries.length) }), " · ",
      el("a", { href: "#/outbox", text: words.outbox })
    ]);
  }

  function pageHome(entries) {
    add(el("h1", { text: words.my_work }));
    add(messageBox());
    add(waitingBanner(entries));
    add(el("p", { className: "muted small", "data-testid": "offline-kept" }, [
      words.last_sync + ": " + showDate(bundle.synced_at) + " · " + bundle.households.length +
        " " + words.households_kept + " · " + kb(bundle.size)
    ]));
    add(el("h2", { text: words.households }));
    if (!bundle.households.length) {
      add(el("p", { className: "muted", text: words.no_households }));
    }
    var list = el("ul", { className: "results", "data-testid": "offline-households" });
    bundle.households.forEach(function (h) {
      var waiting = pendingFor(h, entries).length;
      list.appendChild(el("li", { className: "card result", "data-testid": "offline-household" }, [
        el("a", { href: "#/h/" + h.id, "data-testid": "offline-household-link" }, [
          el("strong", { text: words.house + " " + (h.house_number || "—") + " · " + h.village })
        ]),
        el("div", { className: "muted", text: h.members.members.map(function (m) {
          return m.title;
        }).join(", ") }),
        surveyBadge(h, entries),
        waiting ? el("span", { className: "badge warn", text: words.waiting + " " + waiting }) : null
      ]));
    });
    add(list);
    add(el("h2", { text: words.leads }));
    add(el("p", { className: "muted small", text: words.leads_note }));
    if (!bundle.leads.length) add(el("p", { className: "muted", text: words.no_leads }));
    var leads = el("ul", { className: "plain", "data-testid": "offline-leads" });
    bundle.leads.forEach(function (lead) {
      leads.appendChild(el("li", {}, [
        el("strong", { text: lead.name }), " · " + words.house + " " +
          (lead.house_number || "—") + " · " + lead.village
      ]));
    });
    add(leads);
  }

  function surveyBadge(h, entries) {
    if (submitQueued(h, entries)) return el("span", { className: "badge", text: words.submitted });
    if (!h.survey) return el("span", { className: "badge pending", text: words.not_started });
    return el("span", { className: "badge status-" + h.survey.status,
      text: h.survey.status_label || h.survey.status });
  }

  function pageHousehold(h, entries) {
    add(el("p", {}, [el("a", { href: "#/", text: "← " + words.home })]));
    add(el("h1", { "data-testid": "offline-household-title",
      text: words.house + " " + (h.house_number || "—") + " · " + h.village }));
    add(messageBox());
    add(waitingBanner(pendingFor(h, entries)));
    var members = el("ul", { className: "plain" });
    h.members.members.forEach(function (m) {
      members.appendChild(el("li", {}, [el("strong", { text: m.title }), " · " + m.subtitle +
        (m.age !== null ? " · " + fill(words.age_years, { age: m.age }) : "")]));
    });
    add(el("div", { className: "card" }, [el("h2", { text: words.members }), members]));
    var card = el("div", { className: "card" }, [
      el("h2", { text: fill(words.survey_round, { year: bundle.round }) }), surveyBadge(h, entries)
    ]);
    if (h.survey && h.survey.return_comment && h.survey.status === "returned") {
      card.appendChild(el("p", { className: "card returned", text: h.survey.return_comment }));
    }
    if (editable(h, entries) && (h.survey || h.may_start)) {
      var label = h.survey || pendingFor(h, entries).length ? words.continue_survey : words.start_survey;
      card.appendChild(el("p", {}, [el("a", { className: "btn", href: "#/s/" + h.id + "/consent",
        "data-testid": "offline-survey-start", text: label })]));
    } else if (h.survey && !editable(h, entries)) {
      card.appendChild(el("p", { className: "muted", text: words.not_editable }));
    }
    add(card);
    add(el("p", {}, [el("a", { href: "/households/h/" + h.id + "/",
      text: words.open_online })]));
  }

  function stepNav(h, current) {
    var list = el("ol", {});
    bundle.rules.order.forEach(function (step, index) {
      list.appendChild(el("li", {}, [el("a", {
        href: "#/s/" + h.id + "/" + step, "aria-current": step === current ? "step" : null
      }, [el("span", { className: "num", text: String(index + 1) }), " " + bundle.rules.titles[step]])]));
    });
    return el("nav", { className: "survey-steps" }, [list]);
  }

  function fieldNode(rule, value, error, consentOk) {
    var attrs = { className: "field" + (error ? " has-error" : ""), "data-field": rule.name };
    if (rule.kind === "bool") {
      var disabled = rule.sensitive && !consentOk && !value;
      var box = el("input", { type: "checkbox", name: rule.name, checked: !!value,
        disabled: disabled, id: "f_" + rule.name });
      var node = el("div", attrs, [el("label", { className: "check", for: "f_" + rule.name },
        [box, el("span", { text: rule.label })])]);
      return withHelp(node, rule, error);
    }
    if (rule.kind === "radio" || rule.kind === "multi") {
      var choices = el("div", { className: "choices" });
      rule.choices.forEach(function (choice) {
        var checked = rule.kind === "multi" ? (value || []).indexOf(choice[0]) !== -1 :
          value !== null && value !== undefined && String(value) === String(choice[0]);
        choices.appendChild(el("label", { className: "choice" }, [
          el("input", { type: rule.kind === "multi" ? "checkbox" : "radio", name: rule.name,
            value: String(choice[0]), checked: checked }),
          el("span", { text: choice[1] })
        ]));
      });
      var legend = el("legend", {}, [rule.label, rule.required ? requiredMark() : null]);
      return withHelp(el("div", attrs, [el("fieldset", {}, [legend, choices])]), rule, error);
    }
    if (rule.kind === "select") {
      var select = el("select", { name: rule.name, id: "f_" + rule.name });
      rule.choices.forEach(function (choice) {
        select.appendChild(el("option", { value: choice[0] === null ? "" : choice[0],
          selected: String(choice[0]) === String(value), text: choice[1] }));
      });
      return withHelp(el("div", attrs, [el("label", { for: "f_" + rule.name }, [rule.label,
        rule.required ? requiredMark() : null]), select]), rule, error);
    }
    var input;
    var shown = value === null || value === undefined ? "" : String(value);
    if (rule.kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(shown)) shown = showDateBE(shown);
    if (rule.kind === "textarea") {
      input = el("textarea", { name: rule.name, id: "f_" + rule.name, rows: "3" });
      input.value = shown;
    } else {
      input = el("input", { type: "text", name: rule.name, id: "f_" + rule.name, value: shown,
        inputmode: rule.kind === "amount" ? "decimal" : rule.kind === "date" ? "numeric" : null,
        autocomplete: "off", placeholder: rule.kind === "date" ? "วว/ดด/ปปปป (พ.ศ.)" : null });
    }
    return withHelp(el("div", attrs, [el("label", { for: "f_" + rule.name }, [rule.label,
      rule.required ? requiredMark() : null]), input]), rule, error);
  }

  function requiredMark() {
    return el("span", { className: "required-mark", title: words.required_mark, text: " *" });
  }

  function withHelp(node, rule, error) {
    if (rule.help) node.appendChild(el("div", { className: "help", text: rule.help }));
    if (error) node.appendChild(el("ul", { className: "errorlist" }, [el("li", { text: error })]));
    return node;
  }

  var stepErrors = {};
  var stepTyped = null; // what was typed when the checks refused it, shown again as typed

  function pageStep(h, step, entries) {
    var order = bundle.rules.order;
    var values = valuesOf(h, entries);
    add(el("p", {}, [el("a", { href: "#/h/" + h.id,
      text: "← " + words.house + " " + (h.house_number || "—") + " · " + h.village })]));
    add(stepNav(h, step));
    add(el("h1", { "data-testid": "offline-step-title", text: fill(words.step_of, {
      n: order.indexOf(step) + 1, m: order.length, title: bundle.rules.titles[step] }) }));
    add(messageBox());
    add(waitingBanner(pendingFor(h, entries)));
    if (!editable(h, entries)) {
      add(el("p", { className: "card", text: words.not_editable }));
      return;
    }
    if (step === "review") { pageReview(h, values); return; }
    var rules = stepRules(h, step);
    var current = Object.assign({}, values[step], stepTyped || {});
    stepTyped = null;
    var consentOk = !!values.consent.sensitive_consent;
    var form = el("form", { "data-testid": "offline-survey-form", novalidate: true });
    if (step === "members") {
      if (!consentOk) {
        form.appendChild(el("p", { className: "card notice", "data-testid": "offline-consent-first",
          text: words.consent_first }));
      }
      rules.members.forEach(function (member) {
        var card = el("div", { className: "card member" }, [el("h2", {}, [member.title, " ",
          el("small", { text: member.subtitle + (member.age !== null ? " · " +
            fill(words.age_years, { age: member.age }) : "") })])]);
        member.fields.forEach(function (rule) {
          var node = fieldNode(rule, current[rule.name], stepErrors[rule.name], consentOk);
          if (rule.show_if) {
            node.setAttribute("data-show-if", rule.show_if);
            node.hidden = !visible(rule, current);
          }
          card.appendChild(node);
        });
        form.appendChild(card);
      });
      form.addEventListener("change", function () {
        Array.prototype.forEach.call(form.querySelectorAll("[data-show-if]"), function (node) {
          var flag = form.querySelector("input[name='" + node.getAttribute("data-show-if") + "']");
          node.hidden = !(flag && flag.checked);
        });
      });
    } else {
      var byName = {};
      rules.fields.forEach(function (rule) { byName[rule.name] = rule; });
      rules.groups.forEach(function (group) {
        var card = el("div", { className: "card" }, [group.title ? el("h2", { text: group.title }) : null]);
        group.fields.forEach(function (name) {
          card.appendChild(fieldNode(byName[name], current[name], stepErrors[name], consentOk));
        });
        form.appendChild(card);
      });
    }
    var next = order[order.indexOf(step) + 1];
    form.appendChild(el("div", { className: "sticky-actions" }, [
      el("button", { type: "submit", className: "btn", name: "go", value: "next",
        "data-testid": "offline-save-next", text: words.save_next }), " ",
      el("button", { type: "submit", className: "btn secondary", name: "go", value: "stay",
        "data-testid": "offline-save-draft", text: words.save_draft })
    ]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var go = event.submitter ? event.submitter.value : "next";
      var read = readForm(form, rules, current);
      consentChecks(step, read, values.consent, rules);
      stepErrors = read.errors;
      if (Object.keys(read.errors).length) {
        stepTyped = read.values;
        flash(words.fix_marked);
        render();
        return;
      }
      queue(h, step, read.values).then(function () {
        stepErrors = {};
        var target = go === "next" && next ? "#/s/" + h.id + "/" + next : "#/s/" + h.id + "/" + step;
        if (location.hash === target) render(); else location.hash = target;
        window.scrollTo(0, 0);
      });
    });
    add(form);
  }

  function pageReview(h, values) {
    var found = problems(h, values);
    if (found.length) {
      var list = el("ul", {});
      found.forEach(function (p) {
        list.appendChild(el("li", {}, [el("a", { href: "#/s/" + h.id + "/" + p.step,
          text: bundle.rules.titles[p.step] }), ": " + p.count + " " + words.missing]));
      });
      add(el("div", { className: "card problems", "data-testid": "offline-problems" },
        [el("h2", { text: words.problems }), list]));
    } else {
      add(el("p", { className: "card ok", "data-testid": "offline-complete",
        text: words.complete }));
    }
    add(el("div", { className: "sticky-actions" }, [el("button", {
      type: "button", className: "btn", "data-testid": "offline-submit", disabled: !!found.length,
      text: words.submit,
      onclick: function () {
        queue(h, "submit", {}).then(function () {
          flash(words.submit_queued);
          location.hash = "#/h/" + h.id;
        });
      }
    })]));
  }

  function stepTitle(step) {
    return step === "submit" ? words.step_submit : bundle.rules.titles[step] || step;
  }

  function pageOutbox(entries) {
    add(el("h1", { text: words.outbox }));
    add(messageBox());
    if (!entries.length) {
      add(el("p", { className: "card ok", "data-testid": "offline-outbox-empty",
        text: words.outbox_empty }));
      return;
    }
    add(waitingBanner(entries));
    add(el("p", {}, [el("button", { type: "button", className: "btn",
      "data-testid": "offline-send-now", text: words.send_now, onclick: function () {
        entries.forEach(function (e) {
          if (e.state === "refused") { e.state = "waiting"; store.outboxPut(e); }
        });
        trySending();
      } })]));
    var list = el("ul", { className: "results", "data-testid": "offline-outbox" });
    entries.forEach(function (entry) {
      var h = household(entry.household);
      var place = h ? words.house + " " + (h.house_number || "—") + " · " + h.village : entry.household;
      var item = el("li", { className: "card result outbox-" + entry.state,
        "data-testid": "offline-outbox-item", "data-state": entry.state }, [
        el("strong", { text: place }), el("br"),
        stepTitle(entry.step) + " · " + showDate(entry.created_at), el("br"),
        el("span", { className: "badge " + (entry.state === "waiting" ? "pending" : "warn"),
          text: words["state_" + entry.state] })
      ]);
      if (entry.reason) item.appendChild(el("p", { className: "errorlist",
        "data-testid": "offline-reason", text: entry.reason }));
      var actions = el("p", {});
      if (entry.state === "conflict") {
        actions.appendChild(el("a", { className: "btn", href: "#/conflict/" + entry.seq,
          "data-testid": "offline-conflict-open", text: words.choose }));
      }
      if (entry.state === "refused") {
        actions.appendChild(el("button", { type: "button", className: "btn secondary",
          "data-testid": "offline-retry", text: words.retry, onclick: function () {
            entry.state = "waiting";
            entry.reason = "";
            store.outboxPut(entry).then(trySending);
          } }));
        actions.appendChild(document.createTextNode(" "));
        actions.appendChild(el("button", { type: "button", className: "btn danger",
          text: words.discard, onclick: function () {
            if (window.confirm(words.discard_confirm)) store.outboxDelete(entry.seq).then(render);
          } }));
      }
      item.appendChild(actions);
      list.appendChild(item);
    });
    add(list);
  }

  function shown(rule, value) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && !value.length)) return words.empty;
    if (rule && rule.kind === "bool") return value ? words.yes : words.no;
    if (rule && rule.kind === "date") return showDateBE(value);
    if (rule && rule.choices) {
      var labels = (Array.isArray(value) ? value : [value]).map(function (v) {
        var hit = rule.choices.filter(function (c) { return String(c[0]) === String(v); })[0];
        return hit ? hit[1] : String(v);
      });
      return labels.join(", ");
    }
    return String(value);
  }

  function pageConflict(entry) {
    var conflict = entry.conflict;
    var h = household(entry.household);
    add(el("p", {}, [el("a", { href: "#/outbox", text: "← " + words.outbox })]));
    add(el("h1", { "data-testid": "offline-conflict-title", text: words.conflict_title }));
    add(el("p", { text: (h ? words.house + " " + (h.house_number || "—") + " · " +
      h.village + " · " : "") + stepTitle(entry.step) }));
    if (!conflict.editable) {
      add(el("p", { className: "card problems", text: words.conflict_locked }));
      add(el("button", { type: "button", className: "btn danger", text: words.discard,
        onclick: function () { store.outboxDelete(entry.seq).then(function () { location.hash = "#/outbox"; }); } }));
      return;
    }
    add(el("p", { className: "muted", text: words.conflict_intro }));
    var rules = h ? stepRules(h, entry.step) : { fields: [] };
    var byName = {};
    rules.fields.forEach(function (rule) { byName[rule.name] = rule; });
    var form = el("form", { "data-testid": "offline-conflict-form" });
    var table = el("table", { className: "compact conflict" }, [el("thead", {}, [el("tr", {}, [
      el("th", { text: words.field }), el("th", { text: words.mine }), el("th", { text: words.theirs })
    ])])]);
    var body = el("tbody", {});
    Object.keys(conflict.mine).forEach(function (name) {
      var rule = byName[name];
      var differs = conflict.differing.indexOf(name) !== -1;
      var row = el("tr", { className: differs ? "differs" : "same", "data-field": name,
        "data-testid": differs ? "conflict-row" : null }, [
        el("th", { scope: "row", text: rule ? rule.label : name })
      ]);
      ["mine", "server"].forEach(function (side) {
        var value = shown(rule, conflict[side][name]);
        var cell = el("td", { "data-side": side });
        if (differs) {
          cell.appendChild(el("label", { className: "choice" }, [
            el("input", { type: "radio", name: "pick_" + name, value: side === "mine" ? "phone" : "server",
              required: true }),
            el("span", { "data-testid": "conflict-" + side, text: value })
          ]));
        } else {
          cell.appendChild(el("span", { className: "muted", text: value }));
        }
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    function pickAll(side) {
      Array.prototype.forEach.call(form.querySelectorAll("input[value='" + side + "']"),
        function (input) { input.checked = true; });
    }
    form.appendChild(el("p", {}, [
      el("button", { type: "button", className: "btn secondary", "data-testid": "conflict-all-mine",
        text: words.keep_mine, onclick: function () { pickAll("phone"); } }), " ",
      el("button", { type: "button", className: "btn secondary", "data-testid": "conflict-all-theirs",
        text: words.keep_theirs, onclick: function () { pickAll("server"); } })
    ]));
    form.appendChild(el("div", { className: "table-scroll" }, [table]));
    form.appendChild(el("div", { className: "sticky-actions" }, [el("button", { type: "submit",
      className: "btn", "data-testid": "conflict-save", text: words.save_choice })]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = Object.assign({}, conflict.server);
      var choices = {};
      var missing = conflict.differing.filter(function (name) {
        var picked = form.querySelector("input[name='pick_" + name + "']:checked");
        if (!picked) return true;
        choices[name] = picked.value;
        fields[name] = picked.value === "phone" ? conflict.mine[name] : conflict.server[name];
        return false;
      });
      if (missing.length) { flash(words.choose_each); render(); return; }
      var resolution = {
        change_id: store.uuid(), user: bundle.user, household: entry.household,
        survey: conflict.survey, step: entry.step, fields: fields,
        base_version: conflict.server_version, resolves: entry.change_id, choices: choices,
        created_at: new Date().toISOString(), state: "waiting"
      };
      /* The settled change takes the conflict's place in the queue (same order). */
      resolution.seq = entry.seq;
      store.outboxPut(resolution).then(function () {
        location.hash = "#/outbox";
        trySending();
      });
    });
    add(form);
  }

  // ---- routing -------------------------------------------------------------------------------
  function routeFromPath() {
    /* Opened in place of another page while there was no signal (the service worker's shell). */
    var path = location.pathname;
    var hh = /^\/households\/h\/([0-9a-f-]{36})\//.exec(path);
    if (hh) return "#/h/" + hh[1];
    var step = /^\/households\/surveys\/([0-9a-f-]{36})\/step\/([a-z_]+)\//.exec(path);
    if (step && bundle) {
      var found = bundle.households.filter(function (h) {
        return h.survey && h.survey.id === step[1];
      })[0];
      if (found) return "#/s/" + found.id + "/" + step[2];
    }
    if (path.indexOf("/households/surveys/") === 0 || path.indexOf("/offline/") !== 0) {
      return location.hash || "#/";
    }
    return location.hash || "#/";
  }

  function render() {
    Promise.all([store.get("bundle"), store.outbox()]).then(function (values) {
      bundle = values[0];
      var entries = values[1].filter(function (e) { return !bundle || e.user === bundle.user; });
      clear();
      if (!bundle) {
        add(el("p", { className: "card", text: words.no_households }));
        return;
      }
      var hash = location.hash || routeFromPath();
      var parts = hash.replace(/^#\/?/, "").split("/");
      var page = parts[0];
      if (page === "h" && household(parts[1])) pageHousehold(household(parts[1]), entries);
      else if (page === "s" && household(parts[1]) && bundle.rules.order.indexOf(parts[2]) !== -1) {
        pageStep(household(parts[1]), parts[2], entries);
      } else if (page === "outbox") pageOutbox(entries);
      else if (page === "conflict") {
        var entry = entries.filter(function (e) { return String(e.seq) === parts[1]; })[0];
        if (entry && entry.conflict) pageConflict(entry); else pageOutbox(entries);
      } else pageHome(entries);
      flashMessage = "";
      if (self.PPAOSOfflinePage) self.PPAOSOfflinePage.showStatus();
    });
  }

  window.addEventListener("hashchange", function () { stepErrors = {}; render(); });
  document.addEventListener("ppaos:synced", render);
  store.get("bundle").then(function (b) {
    bundle = b;
    if (!location.hash) {
      var route = routeFromPath();
      if (route !== "#/") { history.replaceState(null, "", "/offline/" + route); }
    }
    render();
  });
})();
