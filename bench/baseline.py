"""The textbook llama-index pipeline the benchmarks compare against.

Same embedder object, same Chroma, default llama-index components:
``VectorStoreIndex`` over a ``ChromaVectorStore`` for queries, and an
``IngestionPipeline`` (``SentenceSplitter`` + embedder + ``ChromaVectorStore``)
for ingest. Nothing here is tuned: it is what a user gets from the docs.
"""
from __future__ import annotations

from pathlib import Path

BASELINE_COLLECTION = "baseline"


def _vector_store(client, name: str, fresh: bool):
    from llama_index.vector_stores.chroma import ChromaVectorStore

    if fresh:
        try:
            client.delete_collection(name)
        except Exception:  # absent is fine
            pass
    col = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
    return ChromaVectorStore(chroma_collection=col), col


def retrieval_baseline(store, embedder, top_k: int, progress=None):
    """A llama-index retriever over a copy of ``store``'s chunks and vectors.

    The copy lives in a second collection of the same Chroma client, so both
    sides search the same vectors with the same engine; it is rebuilt only
    when its size differs from ``store``.
    """
    from llama_index.core import VectorStoreIndex
    from llama_index.core.schema import TextNode

    client = store.client
    vs, col = _vector_store(client, BASELINE_COLLECTION, fresh=False)
    n = store.count()
    if col.count() != n:
        vs, col = _vector_store(client, BASELINE_COLLECTION, fresh=True)
        offset, page = 0, 1000
        while offset < n:
            got = store.col.get(include=["embeddings", "documents", "metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                break
            nodes = [
                TextNode(id_=cid, text=doc, metadata={"source": meta["source"], "start_line": meta["start_line"]}, embedding=list(map(float, vec)))
                for cid, doc, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])
            ]
            vs.add(nodes)
            offset += len(got["ids"])
            if progress:
                progress(offset, n)
    index = VectorStoreIndex.from_vector_store(vs, embed_model=embedder)
    return index


def ingest_baseline(corpus: Path, client, embedder, chunk_tokens: int, chunk_overlap: int, collection: str = "baseline_ingest"):
    """Run llama-index's ``IngestionPipeline`` over ``corpus`` into a fresh collection.

    Returns the number of nodes written.
    """
    from llama_index.core import SimpleDirectoryReader
    from llama_index.core.ingestion import IngestionPipeline
    from llama_index.core.node_parser import SentenceSplitter

    docs = SimpleDirectoryReader(str(corpus), recursive=True, required_exts=[".txt", ".md", ".html", ".pdf"]).load_data()
    vs, _ = _vector_store(client, collection, fresh=True)
    pipeline = IngestionPipeline(
        transformations=[SentenceSplitter(chunk_size=chunk_tokens, chunk_overlap=chunk_overlap), embedder],
        vector_store=vs,
    )
    # llama-index's ChromaVectorStore.add sends every node in one call, and
    # Chroma rejects a batch over its max (5,461 here): past ~5k chunks the
    # textbook one-liner fails. Feed the pipeline a slice of documents at a
    # time, as a user of it would have to, so each add stays under the max.
    limit = client.get_max_batch_size()
    total, batch, est = 0, [], 0
    per_doc = max(1, chunk_tokens * 4)  # characters per chunk, roughly
    for doc in docs:
        batch.append(doc)
        est += len(doc.text) // per_doc + 1
        if est * 2 >= limit:  # margin: overlap makes more nodes than the estimate
            total += len(pipeline.run(documents=batch))
            batch, est = [], 0
    if batch:
        total += len(pipeline.run(documents=batch))
    return total
