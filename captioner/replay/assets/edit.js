/* Edit mode of the replay page (captioner edit): each passage of the spoken language's
 * transcript gets an Edit button; Enter saves the corrected words (the server keeps them in
 * recordings/<stem>.edits.yaml and remakes every output), Escape cancels. Keyboard first;
 * text is only ever set with textContent or a textarea's value. */
(function () {
  'use strict';

  var root = document.documentElement;
  var token = root.getAttribute('data-edit-token');
  var language = root.getAttribute('data-edit-language');
  if (!token) { return; }
  var SAVED = 'captioner-edit-saved';

  var status = document.createElement('p');
  status.id = 'edit-status';
  status.className = 'edit-status';
  status.setAttribute('role', 'status');
  var main = document.getElementById('main') || document.body;
  main.insertBefore(status, main.firstChild);
  var saved = window.sessionStorage.getItem(SAVED);
  if (saved) {
    window.sessionStorage.removeItem(SAVED);
    status.textContent = saved;
  } else {
    status.textContent = 'Edit mode: Edit on a passage corrects its words.';
  }

  function spokenText(textElement) {
    var copy = textElement.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll('.speaker, .term-note, .visually-hidden'), function (el) {
      el.remove();
    });
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }

  function openEditor(passage, text, button) {
    var original = spokenText(text);
    var hintId = 'edit-hint-' + passage.getAttribute('data-start').replace('.', '-');
    var hint = document.createElement('p');
    hint.id = hintId;
    hint.className = 'edit-hint';
    hint.textContent = 'Enter saves, Escape cancels, Shift+Enter starts a new line.';
    var box = document.createElement('textarea');
    box.className = 'edit-box';
    box.value = original;
    box.setAttribute('aria-label', 'Corrected words of the passage at ' + button.getAttribute('data-clock'));
    box.setAttribute('aria-describedby', hintId);
    text.hidden = true;
    button.hidden = true;
    passage.insertBefore(box, button);
    passage.insertBefore(hint, button);
    box.focus();

    function close() {
      box.remove();
      hint.remove();
      text.hidden = false;
      button.hidden = false;
      button.focus();
    }

    function save() {
      var correct = box.value.replace(/\s+/g, ' ').trim();
      if (!correct || correct === original) { close(); return; }
      box.disabled = true;
      status.textContent = 'Saving, and making the captions again…';
      window.fetch('/api/words', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-Edit-Token': token},
        body: JSON.stringify({start: parseFloat(passage.getAttribute('data-start')),
                              end: parseFloat(passage.getAttribute('data-end')),
                              said: original, correct: correct})
      }).then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      }).then(function (result) {
        if (!result.ok) {
          status.textContent = 'Not saved: ' + (result.body.error || 'the server refused it');
          box.disabled = false;
          box.focus();
          return;
        }
        var missed = (result.body.not_placed || []).length;
        window.sessionStorage.setItem(SAVED, 'Saved to ' + result.body.edits_file + '; every output made again' +
                                      (missed ? ' (' + missed + ' earlier edit(s) could not be placed)' : '') + '.');
        window.location.reload();
      }).catch(function () {
        status.textContent = 'Not saved: the edit server did not answer. Is `captioner edit` still running?';
        box.disabled = false;
        box.focus();
      });
    }

    box.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      } else if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        save();
      }
    });
  }

  var panel = document.querySelector('.transcript-panel[data-lang="' + language + '"]');
  if (!panel) { return; }
  Array.prototype.forEach.call(panel.querySelectorAll('.passage'), function (passage) {
    var text = passage.querySelector('.passage-text');
    if (!text) { return; }
    var seconds = Math.floor(parseFloat(passage.getAttribute('data-start')));
    var clock = Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'edit-passage';
    button.textContent = 'Edit';
    button.setAttribute('data-clock', clock);
    button.setAttribute('aria-label', 'Edit the passage at ' + clock);
    passage.appendChild(button);
    button.addEventListener('click', function () { openEditor(passage, text, button); });
  });
}());
