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

(provide 'digest-eglot)
;;; digest-eglot.el ends here
