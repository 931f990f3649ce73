;;; test.el --- end-to-end test of digest-eglot.el against the real digest-lsp  -*- lexical-binding: t -*-
;;
;;   DIGEST_FIXTURES=<copy of editors/fixtures/workspace> \
;;   DIGEST_FORMAT=<copy of editors/fixtures/format> \
;;   DIGEST_FORMAT_EXPECTED=editors/fixtures/format-expected \
;;     emacs --batch -Q -l editors/emacs/test.el
;;
;; digest-lsp must be on PATH. Prints `PASS emacs: ...` / `FAIL emacs: ...`
;; lines and exits non-zero when a check failed.

(require 'package)
;; -Q skips Debian's site-start, which adds its ELPA packages (elpa-eglot).
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'imenu)
(load (expand-file-name "digest-eglot.el" (file-name-directory load-file-name)) nil t)

(defvar digest-test-failed 0)
(defun digest-test-check (name ok &optional why)
  (unless ok (setq digest-test-failed (1+ digest-test-failed)))
  (princ (format "%s emacs-%s: %s%s\n" (if ok "PASS" "FAIL") emacs-version name
                 (if (or ok (not why)) "" (format ": %s" why))))
  ok)

(defun digest-test-wait (pred &optional seconds)
  "Run the event loop until PRED is non-nil, at most SECONDS (default 20)."
  (let ((deadline (+ (float-time) (or seconds 20))) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(condition-case err
    (let* ((dir (file-name-as-directory (getenv "DIGEST_FIXTURES")))
           (file (expand-file-name "vision-kd.digest" dir)))
      (find-file file)
      (digest-test-check "*.digest opens in digest-mode" (eq major-mode 'digest-mode) major-mode)
      ;; eglot-ensure waits for the first command; batch mode has none.
      (unless (eglot-current-server) (apply #'eglot (eglot--guess-contact)))
      (digest-test-check "eglot connects to digest-lsp"
                         (digest-test-wait (lambda () (eglot-current-server))))
      (digest-test-check
       "Flymake has the diagnostics with their codes"
       (digest-test-wait
        (lambda ()
          (let ((texts (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
            (and (seq-some (lambda (s) (string-match-p "\\[missing-section\\]" s)) texts)
                 (seq-some (lambda (s) (string-match-p "\\[unresolved-reference\\]" s)) texts)))))
       (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))
      (let* ((index (imenu--make-index-alist t))
             (names (let (acc)
                      (named-let walk ((items index))
                        (dolist (item items)
                          (when (consp item)
                            (push (car item) acc)
                            (when (listp (cdr item)) (walk (cdr item))))))
                      acc)))
        (digest-test-check "imenu lists the papers and their sections"
                           (and (member "Paper1 Sparse Teacher Ensembles for Tiny Detectors" names)
                                (member "Paper4 Token Pruning Meets Distillation" names)
                                (member "中文总结" names))
                           (format "%S" names)))
      (goto-char (point-min))
      (search-forward "与Paper1类似")
      (backward-char 4)
      (let (hover)
        (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover info)))
        (digest-test-wait (lambda () hover))
        (digest-test-check "hover has the title and the summary"
                           (and hover (string-match-p "Sparse Teacher Ensembles" hover)
                                (string-match-p "本文研究小型检测器" hover))
                           hover))
      (let ((xref-prompt-for-identifier nil))
        (call-interactively #'xref-find-definitions))
      (digest-test-check "M-. on Paper1 goes to its heading"
                         (digest-test-wait (lambda () (and (= (line-number-at-pos) 5) (bolp))))
                         (format "line %d col %d" (line-number-at-pos) (current-column)))
      (goto-char (point-min))
      (search-forward "[[related#Paper")
      (let ((xref-prompt-for-identifier nil))
        (call-interactively #'xref-find-definitions))
      (digest-test-check "M-. on [[related#Paper1]] opens related.digest at its heading"
                         (digest-test-wait
                          (lambda () (and (string-suffix-p "related.digest" (or buffer-file-name ""))
                                          (= (line-number-at-pos) 3))))
                         (format "%s line %d" buffer-file-name (line-number-at-pos)))
      ;; The browser preview: a stub browser records the address; curl reads
      ;; the page and its event stream, and posts a click (refused with 501
      ;; where eglot has no window/showDocument, 1.9 say).
      (find-file file)
      (let* ((opened nil)
             (browse-url-browser-function (lambda (url &rest _) (push url opened)))
             (url (digest-preview))
             (page (with-output-to-string
                     (call-process "curl" nil standard-output nil "-s" "--max-time" "10" url)))
             (stream "")
             (curl (make-process :name "digest-events" :buffer nil :noquery t
                                 :command (list "curl" "-sN" "--max-time" "60" (concat url "events"))
                                 :filter (lambda (_ out) (setq stream (concat stream out)))))
             (paper3 (save-excursion (goto-char (point-min))
                                     (re-search-forward "^Paper3 ")
                                     (1- (line-number-at-pos)))))
        (digest-test-check "digest-preview opens one file of the user's that redirects to the address on 127.0.0.1"
                           (and (= (length opened) 1)
                                (string-prefix-p "file:///" (car opened))
                                (string-match-p "\\`http://127\\.0\\.0\\.1:[0-9]+/[0-9a-f]+/[0-9]+/\\'" url)
                                (let ((file (substring (car opened) (length "file://"))))
                                  (and (= (file-modes file) #o600)
                                       (with-temp-buffer
                                         (insert-file-contents file)
                                         (search-forward (format "url=%s\"" url) nil t)))))
                           (format "%S %S" opened url))
        (digest-test-check "the page shows the four papers"
                           (= 4 (let ((n 0) (start 0))
                                  (while (string-match "<article class=\"paper\" id=\"paper[0-9]+\"" page start)
                                    (setq n (1+ n) start (match-end 0)))
                                  n))
                           (substring page 0 (min 300 (length page))))
        (digest-test-check "the event stream opens"
                           (digest-test-wait (lambda () (string-match-p "event: scroll" stream))) stream)
        (goto-char (point-min))
        (forward-line paper3)
        (run-hooks 'post-command-hook)
        (digest-test-check (format "the page follows the cursor to Paper3 (line %d)" paper3)
                           (digest-test-wait
                            (lambda () (string-match-p (format "\"line\":%d}" paper3) stream)))
                           stream)
        (delete-process curl)
        (let ((status (with-output-to-string
                        (call-process "curl" nil standard-output nil "-s" "-o" "/dev/null"
                                      "-w" "%{http_code}" "--max-time" "10" "-X" "POST"
                                      "--data" "{\"line\": 4}" (concat url "reveal")))))
          (if (plist-get (plist-get (eglot-client-capabilities (eglot-current-server)) :window)
                         :showDocument)
              (digest-test-check "a click on Paper1 moves the cursor to its heading (204)"
                                 (and (equal status "204")
                                      (digest-test-wait (lambda () (= (line-number-at-pos) 5))))
                                 (format "%s, line %d" status (line-number-at-pos)))
            (digest-test-check "a click is refused (501): this eglot cannot show a document"
                               (equal status "501") status))))
      (eglot-shutdown (eglot-current-server))
      ;; Formatting: the server's edits, applied by eglot.
      (let ((want (with-temp-buffer
                    (insert-file-contents
                     (expand-file-name "messy.digest" (getenv "DIGEST_FORMAT_EXPECTED")))
                    (buffer-string))))
        (find-file (expand-file-name "messy.digest" (getenv "DIGEST_FORMAT")))
        (unless (eglot-current-server) (apply #'eglot (eglot--guess-contact)))
        (digest-test-wait (lambda () (eglot-current-server)))
        (eglot-format-buffer)
        (digest-test-check "eglot-format-buffer formats messy.digest into its canonical layout"
                           (equal (buffer-string) want)
                           (format "%S" (buffer-string)))
        (eglot-shutdown (eglot-current-server))))
  (error (digest-test-check "the test ran to the end" nil err)))

(kill-emacs (if (> digest-test-failed 0) 1 0))
