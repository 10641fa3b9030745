import Link from 'next/link'

export default function NotFound() {
  return (
    <>
      <h1 data-testid="not-found">Not found</h1>
      <p>
        There is no published page here. <Link href="/">All posts</Link>
      </p>
    </>
  )
}
