;;; digest-eglot.el --- paper digests (*.digest) with digest-lsp, through eglot  -*- lexical-binding: t -*-

;; Load it from your init file, e.g. (load "/path/to/digest-lsp/editors/emacs/digest-eglot.el"),
;; or copy these forms there. Needs eglot: built into Emacs 29+, from ELPA
;; (or Debian's elpa-eglot) on Emacs 26.3-28.

;;; Code:

(define-derived-mode digest-mode text-mode "Digest"
  "Major mode for paper digests: digest-lsp gives the rest."
  (setq-local word-wrap t))

(add-to-list 'auto-mode-alist '("\\.digest\\'" . digest-mode))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(digest-mode "digest-lsp")))

(add-hook 'digest-mode-hook #'eglot-ensure)

(defvar-local digest--cursor-line nil
  "The line last sent to digest-lsp as the cursor's, for the preview.")

(defun digest--send-cursor ()
  "Tell digest-lsp the cursor's line when it changed (`digest/cursor')."
  (let ((line (1- (line-number-at-pos)))
        (server (eglot-current-server)))
    (when (and server (not (eql line digest--cursor-line)))
      (setq digest--cursor-line line)
      (jsonrpc-notify server :digest/cursor
                      `(:textDocument ,(eglot--TextDocumentIdentifier)
                        :position (:line ,line :character 0))))))

(defun digest-preview ()
  "Open a live preview of the digest in the browser.
digest-lsp's `digest.preview' command serves the HTML export on
127.0.0.1; the page follows the buffer as you type and scrolls to the
paper under the cursor.  Returns the page's address."
  (interactive)
  (let ((url (jsonrpc-request (eglot--current-server-or-lose) :workspace/executeCommand
                              `(:command "digest.preview"
                                :arguments [,(plist-get (eglot--TextDocumentIdentifier) :uri)]))))
    (setq digest--cursor-line nil)
    (add-hook 'post-command-hook #'digest--send-cursor nil t)
    (digest--send-cursor)
    ;; The address holds the preview's secret token: the browser gets a
    ;; file of this user's that redirects to it, not the address on its
    ;; command line (where `ps' shows it to everyone).
    (let ((redirect (make-temp-file "digest-preview-" nil ".html")))
      (set-file-modes redirect #o600)
      (with-temp-file redirect
        (insert "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n"
                (format "<meta http-equiv=\"refresh\" content=\"0;url=%s\">\n" url)))
      (browse-url (concat "file://" redirect)))
    (message "digest: preview at %s" url)
    url))

(provide 'digest-eglot)
;;; digest-eglot.el ends here
